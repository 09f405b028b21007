package gofunction

import (
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
)

// writeModule creates a small module: a main package in cmd/fn that imports
// a package of its own, plus files that do not go into the binary.
func writeModule(t *testing.T, mainBody string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod":             "module example.com/fn\n\ngo 1.26\n",
		"cmd/fn/main.go":     "package main\n\nimport \"example.com/fn/greet\"\n\nfunc main() {" + mainBody + "}\n",
		"cmd/fn/fn_test.go":  "package main\n",
		"greet/greet.go":     "package greet\n\n// Hello greets.\nfunc Hello() string { return \"hello\" }\n",
		"README.md":          "# fn\n",
		"other/cmd/main.go":  "package main\n\nfunc main() {}\n",
		"cdk.out/x.template": "{}",
	}
	for name, body := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func hashOf(t *testing.T, root, goarch string) string {
	t.Helper()
	return hashWith(t, gobuild.Options{ModuleRoot: root, Entry: "cmd/fn", GOARCH: goarch})
}

func hashWith(t *testing.T, o gobuild.Options) string {
	t.Helper()
	h, err := SourceHash(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSourceHashChangesOnlyWithTheFunctionsInputs(t *testing.T) {
	t.Parallel()
	root := writeModule(t, "println(greet.Hello())")
	base := hashOf(t, root, "arm64")
	if again := hashOf(t, root, "arm64"); again != base {
		t.Fatalf("hash not stable: %s then %s", base, again)
	}

	unchanged := map[string]string{
		"README.md":          "# changed\n",
		"cmd/fn/fn_test.go":  "package main\n\n// changed\n",
		"other/cmd/main.go":  "package main\n\nfunc main() { println() }\n",
		"cdk.out/x.template": "{\"changed\": true}",
	}
	for name, body := range unchanged {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := hashOf(t, root, "arm64"); got != base {
			t.Errorf("editing %s changed the hash", name)
		}
	}

	changed := map[string]string{
		"cmd/fn/main.go": "package main\n\nimport \"example.com/fn/greet\"\n\nfunc main() { print(greet.Hello()) }\n",
		"greet/greet.go": "package greet\n\n// Hello greets.\nfunc Hello() string { return \"hi\" }\n",
		"go.mod":         "module example.com/fn\n\ngo 1.25\n",
	}
	seen := map[string]string{base: "base"}
	for _, name := range []string{"cmd/fn/main.go", "greet/greet.go", "go.mod"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(changed[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		got := hashOf(t, root, "arm64")
		if prev, dup := seen[got]; dup {
			t.Errorf("editing %s left the hash as after %s", name, prev)
		}
		seen[got] = name
	}
	if hashOf(t, root, "amd64") == hashOf(t, root, "arm64") {
		t.Error("arm64 and amd64 builds have the same hash")
	}
}

// The hash reads the build's flags from gobuild.Options, the place the
// build reads them from: other flags, another hash; and a file that only a
// build tag selects is hashed exactly when that tag is set.
func TestSourceHashFollowsTheBuildFlags(t *testing.T) {
	t.Parallel()
	root := writeModule(t, "println(greet.Hello())")
	tagged := filepath.Join(root, "greet", "norpc.go")
	if err := os.WriteFile(tagged, []byte("//go:build lambda.norpc\n\npackage greet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	withTag := gobuild.Options{ModuleRoot: root, Entry: "cmd/fn", GOARCH: "arm64"}
	withoutTag := withTag
	withoutTag.Flags = []string{"-trimpath", "-ldflags=-s -w"}

	before, beforeUntagged := hashWith(t, withTag), hashWith(t, withoutTag)
	if before == beforeUntagged {
		t.Fatal("the hash does not depend on the build flags")
	}
	if err := os.WriteFile(tagged, []byte("//go:build lambda.norpc\n\npackage greet\n\n// changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if hashWith(t, withTag) == before {
		t.Error("editing a file the build's tags select left the hash unchanged")
	}
	if hashWith(t, withoutTag) != beforeUntagged {
		t.Error("editing a file the build does not compile changed the hash")
	}
}

// TestSourceHashFollowsExtraTags: extra tags (a GoFunction's Tags) select the files a tag
// guards, so its asset hash follows them (WriterStack builds a queue
// writer with the queue tag).
func TestSourceHashFollowsExtraTags(t *testing.T) {
	t.Parallel()
	root := writeModule(t, "println(greet.Hello())")
	if err := os.WriteFile(filepath.Join(root, "greet", "queue.go"), []byte("//go:build queue\n\npackage greet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := gobuild.Options{ModuleRoot: root, Entry: "cmd/fn", GOARCH: "arm64"}
	queue := plain
	queue.Flags = gobuild.WithTags("queue")
	if hashWith(t, plain) == hashWith(t, queue) {
		t.Error("the queue tag does not change the hash of a module with a file it guards")
	}
}

func TestSourceHashReportsAMissingEntry(t *testing.T) {
	t.Parallel()
	root := writeModule(t, "")
	_, err := SourceHash(context.Background(), gobuild.Options{ModuleRoot: root, Entry: "cmd/nothing", GOARCH: "arm64"})
	if err == nil || !strings.Contains(err.Error(), "go list ./cmd/nothing") {
		t.Errorf("got %v, want an error naming go list ./cmd/nothing", err)
	}
}

// newFunction defines a GoFunction in a stack of an app that bundles the
// given stacks.
func newFunction(t *testing.T, root string, bundlingStacks []any) (*GoFunction, error) {
	t.Helper()
	return newFunctionIn(t, t.TempDir(), root, bundlingStacks)
}

// newFunctionIn is newFunction with the app's output directory given.
func newFunctionIn(t *testing.T, outdir, root string, bundlingStacks []any) (*GoFunction, error) {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{
		Outdir:  jsii.String(outdir),
		Context: &map[string]any{"aws:cdk:bundling-stacks": bundlingStacks},
	})
	stack := awscdk.NewStack(app, jsii.String("FnStack"), nil)
	return New(stack, "Fn", &Props{ModuleDir: root, Entry: "cmd/fn"})
}

func TestBuildsForSelectedStacks(t *testing.T) {
	root := writeModule(t, "println(greet.Hello())")
	fn, err := newFunction(t, root, []any{"**"})
	if err != nil {
		t.Fatal(err)
	}
	if got := *fn.Function.Runtime().Name(); got != "provided.al2023" {
		t.Errorf("runtime = %s, want provided.al2023", got)
	}
	if got := *fn.Function.Architecture().Name(); got != "arm64" {
		t.Errorf("architecture = %s, want arm64", got)
	}
}

func TestFailedBuildStopsSynthesisWithTheCompilersMessage(t *testing.T) {
	root := writeModule(t, "println(greet.Hello(), undefinedThing)")
	outdir := t.TempDir()
	// Twice into the same cdk.out: the first failure must leave nothing that
	// the second synth would take for a finished build.
	for attempt := 1; attempt <= 2; attempt++ {
		_, err := newFunctionIn(t, outdir, root, []any{"**"})
		if err == nil {
			t.Fatalf("attempt %d: a broken function was defined without error", attempt)
		}
		if !strings.Contains(err.Error(), "undefined: undefinedThing") {
			t.Errorf("attempt %d: got %q, want the compiler's message", attempt, err)
		}
		if assets, _ := filepath.Glob(filepath.Join(outdir, "asset.*")); len(assets) != 0 {
			t.Errorf("attempt %d: a failed build left %v", attempt, assets)
		}
	}
}

func TestSkipsTheBuildForStacksNotSelected(t *testing.T) {
	// A broken function in a stack the CLI did not select is never compiled.
	root := writeModule(t, "println(greet.Hello(), undefinedThing)")
	if _, err := newFunction(t, root, []any{"OtherStack"}); err != nil {
		t.Errorf("compiled a stack that was not selected: %v", err)
	}
}

func TestBundlerWritesBootstrap(t *testing.T) {
	root := writeModule(t, "println(greet.Hello())")
	out := t.TempDir()
	b := &localBundler{options: gobuild.Options{ModuleRoot: root, Entry: "cmd/fn", GOARCH: "arm64"}}
	if ok := b.TryBundle(jsii.String(out), nil); ok == nil || !*ok {
		t.Fatal("TryBundle did not report success")
	}
	if _, err := os.Stat(filepath.Join(out, "bootstrap")); err != nil {
		t.Errorf("no bootstrap: %v", err)
	}
}

// Every function option reaches the function's props unchanged.
func TestFunctionPropsCarriesEveryOption(t *testing.T) {
	t.Parallel()
	env := map[string]*string{"K": jsii.String("v")}
	o := awslambda.FunctionOptions{
		Description:                  jsii.String("d"),
		MemorySize:                   jsii.Number(256),
		Environment:                  &env,
		ReservedConcurrentExecutions: jsii.Number(3),
	}
	p := functionProps(o)
	if *p.Description != "d" || *p.MemorySize != 256 || (*p.Environment)["K"] != env["K"] || *p.ReservedConcurrentExecutions != 3 {
		t.Errorf("functionProps lost an option: %+v", p)
	}
	if p.Code != nil || p.Handler != nil || p.Runtime != nil {
		t.Error("functionProps set Code, Handler or Runtime: New decides those")
	}
}

func TestBuildsForTheFunctionsArchitecture(t *testing.T) {
	root := writeModule(t, "println(greet.Hello())")
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("FnStack"), nil)
	fn, err := New(stack, "Fn", &Props{
		ModuleDir:       root,
		Entry:           "cmd/fn",
		FunctionOptions: awslambda.FunctionOptions{Architecture: awslambda.Architecture_X86_64(), Description: jsii.String("x86")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := *fn.Function.Architecture().Name(); got != "x86_64" {
		t.Errorf("architecture = %s, want x86_64", got)
	}
	assets, _ := filepath.Glob(filepath.Join(*app.Outdir(), "asset.*", "bootstrap"))
	if len(assets) != 1 {
		t.Fatalf("bootstraps in cdk.out: %v, want one", assets)
	}
	if f, err := elf.Open(assets[0]); err != nil || f.Machine != elf.EM_X86_64 {
		t.Errorf("bootstrap is not an x86_64 ELF: %v", err)
	} else {
		f.Close()
	}
}
