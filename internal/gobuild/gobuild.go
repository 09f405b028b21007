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
	"slices"
	"strings"
)

// DefaultFlags are the build flags every Lambda binary of this project is
// built with: reproducible paths, no symbol tables, and no RPC mode of
// aws-lambda-go (provided.al2023 speaks only the Runtime API).
var DefaultFlags = []string{"-trimpath", "-ldflags=-s -w", "-tags=lambda.norpc"}

// WithTags returns DefaultFlags with more build tags, for a binary that
// links code only some functions need (the writer's queue mode).
func WithTags(tags ...string) []string {
	flags := slices.Clone(DefaultFlags)
	for i, f := range flags {
		if rest, ok := strings.CutPrefix(f, "-tags="); ok {
			flags[i] = "-tags=" + strings.Join(append([]string{rest}, tags...), ",")
		}
	}
	return flags
}

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
	// Flags are go build's flags. They decide which files go into the
	// build (-tags) as well as the binary, so the asset hash reads them
	// from here too (BuildFlags). Default: DefaultFlags.
	Flags []string
	// Log receives the compiler's output as it runs. Default: os.Stderr.
	Log io.Writer
}

// BuildFlags returns the flags of o's build, for go build and for any go
// command that must see the same files (go list, for the asset hash):
// o.Flags or DefaultFlags, with -mod=vendor when the module vendors its
// dependencies.
func BuildFlags(o Options) []string {
	flags := o.Flags
	if flags == nil {
		flags = DefaultFlags
	}
	if _, err := os.Stat(filepath.Join(o.ModuleRoot, "vendor")); err == nil {
		flags = append([]string{"-mod=vendor"}, flags...)
	}
	return slices.Clone(flags)
}

// ModuleRoot returns the nearest directory at or above dir that holds
// go.mod.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for start := dir; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod at or above %s", start)
		}
		dir = parent
	}
}

// Env returns the environment go build runs with: the caller's, with the
// cross-compilation settings forced so that the host's cannot leak in.
func Env(goarch string) []string {
	return append(os.Environ(),
		"CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch, "GO111MODULE=on")
}

// Args returns go build's arguments for o, without the leading "go".
func Args(o Options) []string {
	args := append([]string{"build", "-o", filepath.Join(o.OutputDir, "bootstrap")}, BuildFlags(o)...)
	return append(args, Package(o.Entry))
}

// Package is the go command's argument for the main package at entry,
// relative to the module root.
func Package(entry string) string {
	return "./" + filepath.ToSlash(filepath.Clean(entry))
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
