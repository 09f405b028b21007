// Command cdk is the CDK app: it reads the configuration from the CDK
// context, validates all of it, and only then defines and synthesizes the
// table's stack and the writers' stacks. With the context's checks set (as
// make synth, deploy and diff set it), cdk-nag and aws-cdk-lib's template
// validation gate the synth.
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
		if cfg.Checks {
			checkSelectedStacks(app)
		}
		app.Synth(nil)
		return nil
	})
}

// appProps are the App's properties for cfg: aws-cdk-lib's template
// validation runs only with the checks on.
func appProps(cfg config.Config) *awscdk.AppProps {
	return &awscdk.AppProps{BuiltinCloudFormationValidation: jsii.Bool(cfg.Checks)}
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
// leaves out WriterStack) is neither bundled nor checked. The rules load
// about forty aws-cdk-lib modules, most of a second, which is why a plain
// `cdk synth` (checks off) skips them.
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
