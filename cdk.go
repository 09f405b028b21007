// Command cdk is the CDK app: it reads the configuration from the CDK
// context, validates all of it, and only then defines and synthesizes the
// table's stack and the writers' stacks.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/stacks"
)

func main() {
	err := run()
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	context, _ := app.Node().GetAllContext(nil).(map[string]interface{})
	cfg, err := config.FromContext(context, stacks.KnownRegions())
	if err != nil {
		return fmt.Errorf("invalid configuration (cdk.json context or -c):\n%w", err)
	}
	return synth(func() error {
		if _, err := stacks.Build(app, cfg); err != nil {
			return err
		}
		// An AwsSolutions finding at error level fails synthesis, so that
		// `cdk synth` in CI gates every stack, including what users add.
		awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
		app.Synth(nil)
		return nil
	})
}

// synth runs define and turns a failure that jsii raises as a panic (such as
// a cdk-nag or template-validation finding, which fails app.Synth) into an
// error, so that the user reads the message, not a stack trace.
func synth(define func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("synthesis failed: %v", r)
		}
	}()
	return define()
}
