package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// TestAwsSolutionsChecks applies cdk-nag's AwsSolutions pack to every stack
// and wants no unsuppressed finding. cdk-nag reports through annotations,
// not through an exit code, so they are read here.
func TestAwsSolutionsChecks(t *testing.T) {
	for name, ctx := range map[string]map[string]any{
		"default":      defaultContext(t),
		"two writers":  withContext(defaultContext(t), config.KeyWriters, twoWriters()),
		"queue writer": withContext(defaultContext(t), config.KeyWriters, queueWriter(nil), config.KeyAlarmEmail, "ops@example.com"),
		"every production option": withContext(defaultContext(t), config.KeyWriters, twoWriters(),
			config.KeyTableEncryption, config.EncryptionCustomerManaged, config.KeyOrganizationID, "o-a1b2c3d4e5", config.KeyAlarmEmail, "ops@example.com"),
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.FromContext(ctx, knownRegions())
			if err != nil {
				t.Fatal(err)
			}
			appCtx := withContext(ctx, "aws:cdk:bundling-stacks", []any{})
			outdir := t.TempDir()
			app := awscdk.NewApp(&awscdk.AppProps{Context: &appCtx, Outdir: jsii.String(outdir)})
			built, err := Build(app, cfg)
			if err != nil {
				t.Fatal(err)
			}
			awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)

			stacks := []awscdk.Stack{built.Table.Stack}
			for _, w := range built.Writers {
				stacks = append(stacks, w.Stack)
			}
			// An error finding fails synthesis (the validation report lists it);
			// a warning is only an annotation.
			defer reportViolations(t, outdir)
			for _, st := range stacks {
				guard(t, func() {
					annotations := assertions.Annotations_FromStack(st)
					for _, level := range []struct {
						name  string
						found *[]*cxapi.SynthesisMessage
					}{
						{"error", annotations.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))},
						{"warning", annotations.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))},
					} {
						for _, m := range *level.found {
							t.Errorf("%s: cdk-nag %s at %s: %v", *st.StackName(), level.name, *m.Id, m.Entry.Data)
						}
					}
				})
			}
		})
	}
}

// reportViolations names each violation of the validation report in outdir,
// if synthesis wrote one.
func reportViolations(t *testing.T, outdir string) {
	raw, err := os.ReadFile(filepath.Join(outdir, "validation-report.json"))
	if err != nil {
		return
	}
	var report struct {
		PluginReports []struct {
			Violations []struct {
				Description         string `json:"description"`
				ViolatingConstructs []struct {
					ConstructPath string `json:"constructPath"`
				} `json:"violatingConstructs"`
			} `json:"violations"`
		} `json:"pluginReports"`
	}
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatal(err)
	}
	for _, p := range report.PluginReports {
		for _, v := range p.Violations {
			for _, c := range v.ViolatingConstructs {
				t.Errorf("%s: %s", c.ConstructPath, strings.TrimSpace(v.Description))
			}
		}
	}
}
