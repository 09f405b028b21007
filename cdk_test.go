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

// Each input a new user gets wrong is refused before anything is
// synthesized: the app exits 1 naming the key, and writes nothing.
func TestInputsAreRefusedNamingTheKey(t *testing.T) {
	t.Parallel()
	bin := appBinary(t)
	for _, tt := range []struct {
		name string
		set  map[string]any
		want []string
	}{
		{"a guess for tableRegion", map[string]any{"region": "eu-west-1"},
			[]string{"region: unknown context key; the app reads tableAccount, tableRegion, tableName, writers,"}},
		{"a guess for tableAccount", map[string]any{"account": "123456789012"}, []string{"account: unknown context key; the app reads"}},
		{"keys that do not parse, with other problems", map[string]any{"checks": "yes", "writers": "not json", "tableAccount": "12345"},
			[]string{`checks: got "yes", want true or false`, `writers: got "not json", which is not JSON`, `tableAccount: got "12345", want 12 digits`}},
		{"writers as an object", map[string]any{"writers": `{"name":"Writer","account":"222222222222","roleName":"r"}`},
			[]string{`writers: got an object, want a JSON list of writer objects, even for one writer: on the command line -c 'writers=[{"name":`}},
		{"writers with the shell's quotes removed", map[string]any{"writers": `[{name:Writer,account:222222222222,roleName:r}]`},
			[]string{"writers: got", "the shell removed its double quotes; put the whole value in single quotes: -c 'writers=["}},
		{"a writer named table", map[string]any{"writers": `[{"name":"table","account":"222222222222","roleName":"r"}]`},
			[]string{`writers[0].name: got "table", which would name its stack tableStack like the table's stack TableStack, ignoring case`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := cdkJSONContext(t)
			for k, v := range tt.set {
				ctx[k] = v
			}
			stderr, code, outdir := runApp(t, bin, ctx)
			if code != 1 {
				t.Errorf("exit code = %d, want 1", code)
			}
			for _, want := range append([]string{"error: invalid configuration"}, tt.want...) {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a panic:\n%s", stderr)
			}
			if written, err := os.ReadDir(outdir); err != nil || len(written) != 0 {
				t.Errorf("written to the output directory despite the error: %v (%v)", written, err)
			}
		})
	}
}

// The real CLI, as a pipeline runs it: a plain `cdk synth` passes the keys
// the CLI adds to the context (aws:cdk:..., @aws-cdk/core:...) and writes
// the reports of both gates into its output directory. TableStack only, -e:
// no function to build.
func TestPlainCDKSynthRunsTheGates(t *testing.T) {
	t.Parallel()
	requireCDKCLI(t)
	outdir := t.TempDir()
	cmd := exec.Command("npx", "--no-install", "cdk", "synth", "TableStack", "-e", "--quiet", "-o", outdir)
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npx cdk synth TableStack -e: %v\n%s", err, out)
	}
	for _, report := range []string{"AwsSolutions--TableStack-NagReport.csv", "validation-report.json"} {
		if _, err := os.Stat(filepath.Join(outdir, report)); err != nil {
			t.Errorf("a plain cdk synth did not write %s: %v", report, err)
		}
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

// The gates run by default: cdk-nag checks the stacks the CLI selected (its
// report per stack shows which it ran on: all of them in a plain `cdk
// synth`, only TableStack in `cdk synth TableStack -e`) and the template
// validation runs (it writes its report). With `-c checks=false` neither
// runs.
func TestChecksRunByDefault(t *testing.T) {
	t.Parallel()
	bin := appBinary(t)
	for _, tt := range []struct {
		checks   any
		selected []any
		want     string
	}{
		{nil, []any{"TableStack"}, "AwsSolutions--TableStack-NagReport.csv validation-report.json"},
		{nil, []any{"**"}, "AwsSolutions--TableStack-NagReport.csv AwsSolutions--WriterStack-NagReport.csv validation-report.json"},
		{true, []any{"TableStack"}, "AwsSolutions--TableStack-NagReport.csv validation-report.json"},
		{"false", []any{"**"}, ""},
		{false, []any{"TableStack"}, ""},
	} {
		ctx := cdkJSONContext(t)
		ctx["aws:cdk:bundling-stacks"] = tt.selected
		if tt.checks != nil {
			ctx["checks"] = tt.checks
		}
		stderr, code, outdir := runApp(t, bin, ctx)
		if code != 0 {
			t.Fatalf("checks %v, selected %v: exit code = %d, stderr:\n%s", tt.checks, tt.selected, code, stderr)
		}
		var reports []string
		for _, pattern := range []string{"AwsSolutions-*-NagReport.csv", "validation-report.json"} {
			found, err := filepath.Glob(filepath.Join(outdir, pattern))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range found {
				reports = append(reports, filepath.Base(r))
			}
		}
		if got := strings.Join(reports, " "); got != tt.want {
			t.Errorf("checks %v, selected %v: reports %q, want %q", tt.checks, tt.selected, got, tt.want)
		}
	}
}

// Each gate fails a plain synth (no -c: the configuration as cdk.json
// alone gives it) on a finding, and `-c checks=false` skips both: a queue
// that accepts plain HTTP (cdk-nag's AwsSolutions-SQS4) and a queue whose
// retention is below CloudFormation's minimum of 60 seconds (the template
// validation), with cdk.json's feature flags, which make the validation's
// findings errors and put cdk-nag's in its report. The app is built as
// run builds it: appProps and gate of the configuration read from the
// context.
func TestEachCheckFailsAPlainSynthOnAFinding(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		gate  string
		plant func(awscdk.Stack)
		want  string
	}{
		{"cdk-nag", func(stack awscdk.Stack) {
			awssqs.NewQueue(stack, jsii.String("Queue"), &awssqs.QueueProps{Encryption: awssqs.QueueEncryption_SQS_MANAGED})
		}, "AwsSolutions-SQS4"},
		{"template validation", func(stack awscdk.Stack) {
			awssqs.NewCfnQueue(stack, jsii.String("Queue"), &awssqs.CfnQueueProps{MessageRetentionPeriod: jsii.Number(1)})
		}, "MessageRetentionPeriod"},
	} {
		for _, checks := range []any{nil, "false"} {
			outdir := t.TempDir()
			ctx := cdkJSONContext(t)
			if checks != nil {
				ctx["checks"] = checks
			}
			cfg, err := config.FromContext(ctx, config.Regions)
			if err != nil {
				t.Fatal(err)
			}
			props := appProps(cfg)
			props.Context, props.Outdir = &ctx, jsii.String(outdir)
			app := awscdk.NewApp(props)
			tt.plant(awscdk.NewStack(app, jsii.String("Planted"), nil))
			gate(app, cfg)
			err = synth(func() error { app.Synth(nil); return nil })
			report, _ := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
			named := strings.Contains(string(report), tt.want)
			if checks == nil && (err == nil || !named || !strings.Contains(err.Error(), "synthesis failed")) {
				t.Errorf("%s, plain synth: synth error %v, report names %s: %v; want both", tt.gate, err, tt.want, named)
			}
			if checks != nil && (err != nil || named) {
				t.Errorf("%s, checks=%v: synth error %v, report names %s: %v; want neither", tt.gate, checks, err, tt.want, named)
			}
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

// requireCDKCLI skips a test that runs the pinned CDK CLI when npx or
// node_modules/aws-cdk is missing, and fails it under CI=true.
func requireCDKCLI(t *testing.T) {
	t.Helper()
	missing := ""
	if _, err := exec.LookPath("npx"); err != nil {
		missing = "npx is not installed"
	} else if _, err := os.Stat("node_modules/aws-cdk"); err != nil {
		missing = "node_modules/aws-cdk is missing: run npm ci"
	}
	switch {
	case missing == "":
	case os.Getenv("CI") == "true":
		t.Fatal(missing + " (CI=true: this test must run)")
	default:
		t.Skip(missing + " (set CI=true to make this a failure)")
	}
}
