// Package gobuild compiles a Go command into the "bootstrap" executable that
// the provided.al2023 Lambda runtime starts.
package gobuild

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// Flags are the build flags every Lambda binary of this project is built
// with: reproducible paths, no symbol tables, and no RPC mode of aws-lambda-go
// (provided.al2023 speaks only the Runtime API).
var Flags = []string{"-trimpath", "-ldflags=-s -w", "-tags", "lambda.norpc"}

// Options says what to build and where.
type Options struct {
	// ModuleRoot is the directory that holds go.mod; go build runs there.
	ModuleRoot string
	// Entry is the main package's directory relative to ModuleRoot, such as
	// "runtime/writer".
	Entry string
	// OutputDir receives the executable, named "bootstrap".
	OutputDir string
	// GOARCH is the target architecture: "arm64" or "amd64".
	GOARCH string
	// Log receives the compiler's output as it runs. Default: os.Stderr.
	Log io.Writer
}

// Env returns the environment go build runs with: the caller's, with the
// cross-compilation settings forced so that the host's cannot leak in.
func Env(goarch string) []string {
	return append(os.Environ(),
		"CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GO111MODULE=on")
}

// Args returns go build's arguments for o, without the leading "go".
func Args(o Options) []string {
	args := []string{"build", "-o", filepath.Join(o.OutputDir, "bootstrap")}
	if _, err := os.Stat(filepath.Join(o.ModuleRoot, "vendor")); err == nil {
		args = append(args, "-mod=vendor")
	}
	args = append(args, Flags...)
	return append(args, "./"+filepath.ToSlash(filepath.Clean(o.Entry)))
}

// Build runs go build for o. A failed build returns an error that carries the
// compiler's output.
func Build(ctx context.Context, o Options) error {
	if o.GOARCH != "arm64" && o.GOARCH != "amd64" {
		return fmt.Errorf("gobuild: GOARCH %q: want arm64 or amd64", o.GOARCH)
	}
	log := o.Log
	if log == nil {
		log = os.Stderr
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", Args(o)...)
	cmd.Dir = o.ModuleRoot
	cmd.Env = Env(o.GOARCH)
	cmd.Stdout = io.MultiWriter(log, &out)
	cmd.Stderr = io.MultiWriter(log, &out)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./%s (GOARCH=%s) failed: %v\n%s", o.Entry, o.GOARCH, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}
