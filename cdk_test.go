package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// appDir holds the compiled app for the tests of this binary.
var appDir string

// buildApp compiles this command into appDir, once per test binary.
var buildApp = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(appDir, "app")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	var err error
	if appDir, err = os.MkdirTemp("", "cdk-app-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(appDir)
	os.Exit(code)
}

// appBinary returns the compiled app, failing the test if it does not build.
func appBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildApp()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// runApp runs the app as the CDK CLI does: context in CDK_CONTEXT_JSON,
// output directory in CDK_OUTDIR.
func runApp(t *testing.T, bin string, context map[string]any) (stderr string, code int, outdir string) {
	t.Helper()
	raw, err := json.Marshal(context)
	if err != nil {
		t.Fatal(err)
	}
	outdir = t.TempDir()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "CDK_CONTEXT_JSON="+string(raw), "CDK_OUTDIR="+outdir,
		"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return errBuf.String(), code, outdir
}

func cdkJSONContext(t *testing.T) map[string]any {
	t.Helper()
	ctx, err := config.ContextFromFile("cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

func templates(t *testing.T, dir string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestBadConfigExitsBeforeSynthesis(t *testing.T) {
	t.Parallel()
	bin := appBinary(t)
	ctx := cdkJSONContext(t)
	ctx["tableAccount"] = "12345"
	ctx["writers"] = `[{"name":"Writer","account":"222222222222","roleName":"r","actions":["dynamodb:DeleteTable"]}]`

	stderr, code, outdir := runApp(t, bin, ctx)

	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	for _, want := range []string{
		"error: invalid configuration",
		`tableAccount: got "12345", want 12 digits`,
		`writers[0].actions[0]: got "dynamodb:DeleteTable"`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	for _, unwanted := range []string{"panic", "goroutine", "jsii"} {
		if strings.Contains(stderr, unwanted) {
			t.Errorf("stderr mentions %q:\n%s", unwanted, stderr)
		}
	}
	if found := templates(t, outdir); len(found) != 0 {
		t.Errorf("templates written despite the error: %v", found)
	}
}

func TestDefaultConfigSynthesizesTwoTemplates(t *testing.T) {
	t.Parallel()
	bin := appBinary(t)
	ctx := cdkJSONContext(t)
	ctx["aws:cdk:bundling-stacks"] = []any{} // the function has tests of its own

	stderr, code, outdir := runApp(t, bin, ctx)

	if code != 0 {
		t.Fatalf("exit code = %d, stderr:\n%s", code, stderr)
	}
	var names []string
	for _, f := range templates(t, outdir) {
		names = append(names, filepath.Base(f))
	}
	if strings.Join(names, " ") != "TableStack.template.json WriterStack.template.json" {
		t.Errorf("templates = %v, want TableStack and WriterStack", names)
	}
}

// With cdkNag on, cdk-nag checks the stacks the CLI selected (its report
// per stack shows which it ran on): all of them in `make synth`, only
// TableStack in `cdk synth TableStack -e -c cdkNag=true`. Without it, as in a
// plain `cdk synth`, it checks none.
func TestNagChecksTheSelectedStacks(t *testing.T) {
	t.Parallel()
	bin := appBinary(t)
	for _, tt := range []struct {
		nag      any
		selected []any
		want     string
	}{
		{"true", []any{"TableStack"}, "AwsSolutions--TableStack-NagReport.csv"},
		{true, []any{"**"}, "AwsSolutions--TableStack-NagReport.csv AwsSolutions--WriterStack-NagReport.csv"},
		{nil, []any{"**"}, ""},
		{"false", []any{"**"}, ""},
	} {
		ctx := cdkJSONContext(t)
		ctx["aws:cdk:bundling-stacks"] = tt.selected
		if tt.nag != nil {
			ctx["cdkNag"] = tt.nag
		}
		stderr, code, outdir := runApp(t, bin, ctx)
		if code != 0 {
			t.Fatalf("cdkNag %v, selected %v: exit code = %d, stderr:\n%s", tt.nag, tt.selected, code, stderr)
		}
		reports, err := filepath.Glob(filepath.Join(outdir, "AwsSolutions-*-NagReport.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range reports {
			names = append(names, filepath.Base(r))
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("cdkNag %v, selected %v: nag reports %q, want %q", tt.nag, tt.selected, got, tt.want)
		}
	}
}

// A finding fails the synth when the checks run, and only then: a queue
// that accepts plain HTTP (AwsSolutions-SQS4), with cdk.json's feature
// flags (which put cdk-nag's annotations in the validation report).
func TestNagFindingFailsTheSynth(t *testing.T) {
	t.Parallel()
	for _, nag := range []bool{true, false} {
		outdir := t.TempDir()
		ctx := cdkJSONContext(t)
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})
		stack := awscdk.NewStack(app, jsii.String("Planted"), nil)
		awssqs.NewQueue(stack, jsii.String("Queue"), &awssqs.QueueProps{
			Encryption: awssqs.QueueEncryption_SQS_MANAGED,
		})
		if nag {
			checkSelectedStacks(app)
		}
		err := synth(func() error { app.Synth(nil); return nil })
		report, _ := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
		named := strings.Contains(string(report), "AwsSolutions-SQS4")
		if nag && (err == nil || !named) {
			t.Errorf("with the checks: synth error %v, report names AwsSolutions-SQS4: %v; want both", err, named)
		}
		if !nag && (err != nil || named) {
			t.Errorf("without the checks: synth error %v, report names AwsSolutions-SQS4: %v; want neither", err, named)
		}
	}
}

func TestSynthTurnsAJsiiPanicIntoAnError(t *testing.T) {
	t.Parallel()
	err := synth(func() error { panic("ValidationFailed: Validation failed. AwsSolutions-SQS4") })
	if err == nil || !strings.Contains(err.Error(), "AwsSolutions-SQS4") {
		t.Errorf("got %v, want an error carrying the panic's message", err)
	}
}
