package main

// End-to-end tests: the app is synthesized from cdk.json, the local
// services are seeded from its templates (one moto_server per account, the
// writer binary under the Lambda Runtime Interface Emulator), and verify
// runs against them through a shared config file with profiles a and b.
// They need moto_server on PATH: without it they skip, or fail when CI=true.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
	"github.com/cross-account-dynamodb/cdk/stacks"
)

const (
	cdkJSON      = "../../cdk.json"
	tableAccount = "111111111111"
	writerAcct   = "222222222222"
)

// local holds what the tests share: built and started on first use,
// stopped by TestMain.
var local struct {
	once     sync.Once
	err      error
	dir      string
	assembly string
	cfg      config.Config
	motoA    *lambdalocal.Moto
	motoB    *lambdalocal.Moto
	fn       *lambdalocal.Function
	// denied lists the DynamoDB operations that profile a-guarded is
	// refused; each test starts with none.
	deniedMu sync.Mutex
	denied   map[string]bool
	stop     []func() error
	logs     lambdalocal.SyncBuffer
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(local.stop) - 1; i >= 0; i-- {
		if err := local.stop[i](); err != nil {
			fmt.Fprintln(os.Stderr, "stop local services:", err)
			code = 1
		}
	}
	if local.dir != "" {
		os.RemoveAll(local.dir)
	}
	jsii.Close()
	os.Exit(code)
}

// deployment resets the local services and seeds them from the synthesized
// templates: a clean deployment of the default configuration.
func deployment(t *testing.T) {
	t.Helper()
	deploymentOf(t, func() string { return local.assembly })
}

// deploymentOf is deployment of the assembly that assembly returns once
// the services are started.
func deploymentOf(t *testing.T, assembly func() string) {
	t.Helper()
	lambdalocal.RequireMoto(t)
	local.once.Do(func() { local.err = startServices() })
	if local.err != nil {
		t.Fatalf("start local services: %v\n%s", local.err, local.logs.String())
	}
	for _, m := range []*lambdalocal.Moto{local.motoA, local.motoB} {
		resp, err := http.Post(m.URL+"/moto-api/reset", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	seed(t, assembly())
	deny()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("output of the local services:\n%s", tail(local.logs.String(), 6000))
		}
	})
}

func startServices() error {
	var err error
	if local.dir, err = os.MkdirTemp("", "verify-e2e-"); err != nil {
		return err
	}
	if local.assembly, local.cfg, err = synth(filepath.Join(local.dir, "cdk.out"), nil); err != nil {
		return err
	}
	root, err := gobuild.ModuleRoot(".")
	if err != nil {
		return err
	}
	ctx := context.Background()
	bins, err := lambdalocal.Build(ctx, root, "runtime/writer", local.dir, &local.logs)
	if err != nil {
		return err
	}
	if local.motoA, err = lambdalocal.StartMoto(ctx, tableAccount, &local.logs); err != nil {
		return err
	}
	local.stop = append(local.stop, local.motoA.Stop)
	if local.motoB, err = lambdalocal.StartMoto(ctx, writerAcct, &local.logs); err != nil {
		return err
	}
	local.stop = append(local.stop, local.motoB.Stop)
	// The writer reaches the table in account A, as it would across accounts.
	if local.fn, err = lambdalocal.StartFunction(ctx, bins, lambdalocal.WriterEnv(local.cfg.TableArn(), local.motoA.URL), &local.logs); err != nil {
		return err
	}
	local.stop = append(local.stop, local.fn.Stop)
	router, err := lambdaRouter(local.motoB.URL, local.fn)
	if err != nil {
		return err
	}
	local.stop = append(local.stop, func() error { router.Close(); return nil })
	guard, err := denyingProxy(local.motoA.URL, func() map[string]bool {
		local.deniedMu.Lock()
		defer local.deniedMu.Unlock()
		return local.denied
	})
	if err != nil {
		return err
	}
	local.stop = append(local.stop, func() error { guard.Close(); return nil })
	endpoints := map[string]map[string]string{"a": {}, "b": {}, "a-guarded": {}}
	for _, s := range localServices {
		endpoints["a"][s], endpoints["b"][s], endpoints["a-guarded"][s] = local.motoA.URL, local.motoB.URL, local.motoA.URL
	}
	endpoints["b"]["lambda"] = router.URL
	// Profile a-guarded is account A through a proxy that refuses the
	// operations a test denies.
	endpoints["a-guarded"]["dynamodb"] = guard.URL
	file, err := writeSharedConfig(local.dir, endpoints)
	if err != nil {
		return err
	}
	isolateAWSEnv(file)
	return nil
}

// deny makes profile a-guarded refuse the DynamoDB operations ops (such as
// "DeleteItem") with AccessDeniedException.
func deny(ops ...string) {
	local.deniedMu.Lock()
	defer local.deniedMu.Unlock()
	local.denied = map[string]bool{}
	for _, op := range ops {
		local.denied["DynamoDB_20120810."+op] = true
	}
}

// synth synthesizes the app from cdk.json's context with overrides on top
// into out, as cdk synth -c does, without compiling the function (moto
// stores a placeholder; the emulator runs the real binary).
func synth(out string, overrides map[string]any) (string, config.Config, error) {
	context, err := config.ReadContext(cdkJSON, overrides)
	if err != nil {
		return "", config.Config{}, err
	}
	cfg, err := config.FromContext(context, config.Regions)
	if err != nil {
		return "", config.Config{}, err
	}
	context["aws:cdk:bundling-stacks"] = []any{}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &context, Outdir: jsii.String(out)})
	if _, err := stacks.Build(app, cfg); err != nil {
		return "", config.Config{}, err
	}
	app.Synth(nil)
	return out, cfg, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// verifyRun runs the command as `make verify PROFILE_A=a PROFILE_B=b` does,
// on the synthesized assembly, and returns its exit code and output.
func verifyRun(t *testing.T, args ...string) (int, string) {
	t.Helper()
	return verifyRunOn(t, local.assembly, args...)
}

// verifyRunOn is verifyRun on another assembly.
func verifyRunOn(t *testing.T, assembly string, args ...string) (int, string) {
	t.Helper()
	args = append([]string{"-cdk-json", cdkJSON}, args...)
	args = append(args, assembly)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	out := stdout.String() + stderr.String()
	if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
		t.Errorf("output has a stack trace:\n%s", out)
	}
	return code, out
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("output:\n%s", out)
	}
}
