package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// TestTemplateValidationFindingsAreErrors checks that cdk.json turns
// aws-cdk-lib's own template validation into a gate: a template CloudFormation
// would reject fails synthesis instead of passing with a warning.
func TestTemplateValidationFindingsAreErrors(t *testing.T) {
	if defaultContext(t)["@aws-cdk/core:validateAgainstDefaultRules"] != true {
		t.Fatal("cdk.json does not set @aws-cdk/core:validateAgainstDefaultRules to true")
	}
	ctx := withContext(defaultContext(t), "aws:cdk:bundling-stacks", []any{})
	outdir := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})
	stack := awscdk.NewStack(app, jsii.String("Broken"), nil)
	awscdk.NewCfnResource(stack, jsii.String("Queue"), &awscdk.CfnResourceProps{
		Type:       jsii.String("AWS::SQS::Queue"),
		Properties: &map[string]any{"NoSuchProperty": "x"},
	})

	panicked := func() (r any) {
		defer func() { r = recover() }()
		app.Synth(nil)
		return nil
	}()

	if panicked == nil {
		t.Fatal("a template with an unknown property synthesized without error")
	}
	report, err := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
	if err != nil {
		t.Fatalf("no validation report: %v (synthesis failed with %v)", err, panicked)
	}
	if !strings.Contains(string(report), "NoSuchProperty") || !strings.Contains(string(report), `"severity": "error"`) {
		t.Errorf("validation report does not flag NoSuchProperty as an error:\n%s", report)
	}
}
