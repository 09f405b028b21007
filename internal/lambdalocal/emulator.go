package lambdalocal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
)

// rieModule is the Runtime Interface Emulator's main package, pinned as a
// tool in go.mod.
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// Binaries are the executables a local run needs.
type Binaries struct {
	// Bootstrap is the function, built as the CDK bundler builds it but for
	// the host's architecture.
	Bootstrap string
	// RIE is the AWS Lambda Runtime Interface Emulator.
	RIE string
}

// Build builds the function at entry (relative to moduleRoot), with the
// build tags beyond gobuild.DefaultFlags' given, and the emulator into dir.
// Compiler output goes to log.
func Build(ctx context.Context, moduleRoot, entry, dir string, log io.Writer, tags ...string) (Binaries, error) {
	o := gobuild.Options{ModuleRoot: moduleRoot, Entry: entry, OutputDir: dir, GOARCH: runtime.GOARCH, Log: log}
	if len(tags) > 0 {
		o.Flags = gobuild.WithTags(tags...)
	}
	err := gobuild.Build(ctx, o)
	if err != nil {
		return Binaries{}, err
	}
	bins := Binaries{Bootstrap: filepath.Join(dir, "bootstrap"), RIE: filepath.Join(dir, "aws-lambda-rie")}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bins.RIE, rieModule)
	cmd.Dir = moduleRoot
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(log, &out)
	cmd.Stderr = io.MultiWriter(log, &out)
	if err := cmd.Run(); err != nil {
		return Binaries{}, fmt.Errorf("go build %s failed: %v\n%s", rieModule, err, bytes.TrimSpace(out.Bytes()))
	}
	return bins, nil
}

// Function is a bootstrap running under the Runtime Interface Emulator.
type Function struct {
	// InvokeURL is where invocations are posted.
	InvokeURL string
	proc      *process
}

// StartFunction starts the emulator on a free loopback port, running
// bins.Bootstrap with env as its whole environment (the emulator passes its
// own environment to the function). The emulator starts the bootstrap on the
// first invocation, so that one is a cold start. Output goes to log.
func StartFunction(ctx context.Context, bins Binaries, env []string, log io.Writer) (*Function, error) {
	invokeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	// The Runtime API gets its own free port too: the default, 9001, would
	// collide between emulators running at once.
	runtimeAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bins.RIE,
		"--runtime-interface-emulator-address", invokeAddr,
		"--runtime-api-address", runtimeAddr,
		"--log-level", "warn",
		bins.Bootstrap)
	cmd.Dir = filepath.Dir(bins.Bootstrap)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	proc, err := startProcess("aws-lambda-rie", cmd)
	if err != nil {
		return nil, err
	}
	if err := proc.waitForAddr(ctx, invokeAddr, 30*time.Second); err != nil {
		proc.stop()
		return nil, err
	}
	return &Function{
		InvokeURL: "http://" + invokeAddr + "/2015-03-31/functions/function/invocations",
		proc:      proc,
	}, nil
}

// Stop ends the emulator and the bootstrap it started.
func (f *Function) Stop() error {
	// The emulator starts the bootstrap in a process group of its own and
	// exits without ending it. The bootstrap exits once the Runtime API is
	// gone, but a stuck one must not outlive the run.
	children := f.proc.children()
	err := f.proc.stop()
	for _, pid := range children {
		killGroup(pid)
	}
	return err
}

// Result is the outcome of one invocation.
type Result struct {
	// Payload is the function's response, or its error document.
	Payload []byte
	// ErrorType and ErrorMessage are set when the function returned an error.
	// The emulator answers HTTP 200 either way: only the body tells.
	ErrorType    string
	ErrorMessage string
}

// Invoke posts payload to the function and waits for its response. The
// error is for a failed invocation (the emulator unreachable, an HTTP error);
// an error returned by the function is in the Result.
func (f *Function) Invoke(ctx context.Context, payload []byte) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.InvokeURL, bytes.NewReader(payload))
	if err != nil {
		return Result{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Result{}, fmt.Errorf("invoke: read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return Result{}, fmt.Errorf("invoke: HTTP %s: %s", resp.Status, body)
	}
	res := Result{Payload: body}
	var fnErr struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &fnErr) == nil && (fnErr.ErrorType != "" || fnErr.ErrorMessage != "") {
		res.ErrorType, res.ErrorMessage = fnErr.ErrorType, fnErr.ErrorMessage
	}
	return res, nil
}

func splitAddr(addr string) (host, port string) {
	host, port, _ = net.SplitHostPort(addr)
	return host, port
}
