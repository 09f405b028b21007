// Command cdk is the CDK app: it reads the configuration from the CDK
// context, validates all of it, and only then defines and synthesizes the
// table's stack and the writers' stacks. cdk-nag and aws-cdk-lib's template
// validation gate every synth, so a plain `cdk synth`, `cdk diff` or `cdk
// deploy` fails on a finding; `-c checks=false` turns both off (the inner
// loop, and make destroy).
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
	// Whether the template validation runs is a property of the App, and
	// the context that decides it is read through an App: this first one
	// only reads it and is never synthesized.
	reader := awscdk.NewApp(&awscdk.AppProps{AutoSynth: jsii.Bool(false)})
	context, _ := reader.Node().GetAllContext(nil).(map[string]interface{})
	// config.Regions is aws-cdk-lib's region table, copied (a test keeps
	// it equal): reading the facts through jsii takes a call per region.
	cfg, err := config.FromContext(context, config.Regions)
	if err != nil {
		return fmt.Errorf("invalid configuration (cdk.json context or -c):\n%w", err)
	}
	app := awscdk.NewApp(appProps(cfg))
	return synth(func() error {
		if _, err := stacks.Build(app, cfg); err != nil {
			return err
		}
		gate(app, cfg)
		app.Synth(nil)
		return nil
	})
}

// appProps are the App's properties for cfg: aws-cdk-lib's template
// validation runs with the checks on (the default), unless CDK's own
// switch (`cdk synth --no-validation`, CDK_VALIDATION=false) turns it off,
// which aws-cdk-lib reads itself.
func appProps(cfg config.Config) *awscdk.AppProps {
	return &awscdk.AppProps{BuiltinCloudFormationValidation: jsii.Bool(cfg.Checks)}
}

// gate adds the gates that are not App properties: cdk-nag, with the
// checks on.
func gate(app awscdk.App, cfg config.Config) {
	if cfg.Checks {
		checkSelectedStacks(app)
	}
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

// checkSelectedStacks applies cdk-nag's AwsSolutions pack to every stack of
// the app that the CLI selected: an AwsSolutions finding at error level
// fails synthesis, so `make synth` (every stack selected, as in CI) gates
// every stack, including what users add, and `make deploy` gates each stack
// it deploys. A stack the CLI did not select (`cdk synth TableStack -e`
// leaves out WriterStack) is neither bundled nor checked.
func checkSelectedStacks(app awscdk.App) {
	nag := cdknag.NewAwsSolutionsChecks(nil)
	for _, child := range *app.Node().Children() {
		if !*awscdk.Stack_IsStack(child) {
			continue
		}
		if stack := awscdk.Stack_Of(child); *stack.BundlingRequired() {
			awscdk.Aspects_Of(stack).Add(nag, nil)
		}
	}
}
