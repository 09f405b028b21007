// Package gofunction provides GoFunction, a Lambda function whose code is a Go
// command compiled locally with `go build` at synthesis time (no Docker).
package gofunction

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
)

// Props configures a GoFunction, the way aws-cdk's own GoFunction
// (aws-lambda-go-alpha) is configured: the function's options, which have no
// Code, Handler or Runtime (GoFunction decides those), plus where the Go
// code is.
type Props struct {
	awslambda.FunctionOptions
	// Entry is the main package's directory relative to ModuleDir, such as
	// "runtime/writer".
	Entry string
	// ModuleDir is the directory holding the go.mod of the function's code.
	// Default: the nearest directory at or above the working directory that
	// holds go.mod (the CDK CLI runs the app from the project's root).
	ModuleDir string
	// Tags are build tags beyond gobuild.DefaultFlags' (they are part of
	// the asset hash). Default: none.
	Tags []string
}

// GoFunction is an awslambda.Function built from Go sources, for
// provided.al2023 (handler "bootstrap"). Its architecture defaults to ARM_64.
type GoFunction struct {
	constructs.Construct
	// Function is the Lambda function.
	Function awslambda.Function
}

// New defines a GoFunction. The binary is built only for stacks the CLI
// selected (Stack.BundlingRequired), with gobuild's flags; the asset hash is
// computed from the function's Go sources, go.mod, go.sum and the same
// flags, so that a re-synth with nothing changed reuses the earlier build
// and changes no asset. For a stack that is not selected, neither is done:
// the asset gets a placeholder hash, as aws-cdk-lib gives a skipped bundle.
// It returns an error, before defining anything, when the module root or
// the sources cannot be found, and the compiler's error when the build fails.
func New(scope constructs.Construct, id string, props *Props) (*GoFunction, error) {
	opts := props.FunctionOptions
	if opts.Architecture == nil {
		opts.Architecture = awslambda.Architecture_ARM_64()
	}
	goarch, err := goarchOf(*opts.Architecture.Name())
	if err != nil {
		return nil, err
	}
	build := gobuild.Options{ModuleRoot: props.ModuleDir, Entry: props.Entry, GOARCH: goarch, Log: os.Stderr}
	if len(props.Tags) > 0 {
		build.Flags = gobuild.WithTags(props.Tags...)
	}
	if build.ModuleRoot == "" {
		if build.ModuleRoot, err = gobuild.ModuleRoot("."); err != nil {
			return nil, fmt.Errorf("gofunction: %v", err)
		}
	}
	hash := "not-bundled-" + goarch + "-" + props.Entry
	if *awscdk.Stack_Of(scope).BundlingRequired() {
		if hash, err = SourceHash(context.Background(), build); err != nil {
			return nil, err
		}
	}

	construct := constructs.NewConstruct(scope, jsii.String(id))
	bundler := &localBundler{options: build}
	fnProps := functionProps(opts)
	fnProps.Runtime = awslambda.Runtime_PROVIDED_AL2023()
	fnProps.Handler = jsii.String("bootstrap")
	fnProps.Code = awslambda.Code_FromAsset(jsii.String(build.ModuleRoot), &awss3assets.AssetOptions{
		AssetHash:     jsii.String(hash),
		AssetHashType: awscdk.AssetHashType_CUSTOM,
		Bundling: &awscdk.BundlingOptions{
			// Never pulled: the local bundler always builds or fails.
			Image: awscdk.DockerImage_FromRegistry(jsii.String("local-go-build-only")),
			Local: bundler,
		},
	})
	function, err := defineFunction(construct, fnProps, bundler)
	if err != nil {
		return nil, err
	}
	return &GoFunction{Construct: construct, Function: function}, nil
}

// functionProps copies every field of o into FunctionProps, which has the
// same fields plus Code, Handler and Runtime (in aws-cdk-lib, FunctionProps
// extends FunctionOptions; jsii's Go structs repeat the fields instead).
func functionProps(o awslambda.FunctionOptions) *awslambda.FunctionProps {
	var p awslambda.FunctionProps
	src, dst := reflect.ValueOf(o), reflect.ValueOf(&p).Elem()
	for i := range src.NumField() {
		dst.FieldByName(src.Type().Field(i).Name).Set(src.Field(i))
	}
	return &p
}

// defineFunction defines the function, which stages its asset and so runs
// the bundler. A failed build makes aws-cdk-lib throw (its bundle is empty);
// that surfaces here as a panic, which is returned as the build's error.
func defineFunction(scope constructs.Construct, props *awslambda.FunctionProps, bundler *localBundler) (fn awslambda.Function, err error) {
	defer func() {
		if r := recover(); r != nil {
			if bundler.err == nil {
				panic(r)
			}
			err = bundler.err
			if rmErr := bundler.removeOutput(); rmErr != nil {
				err = errors.Join(err, rmErr)
			}
		}
	}()
	return awslambda.NewFunction(scope, jsii.String("Function"), props), nil
}

func goarchOf(architecture string) (string, error) {
	switch architecture {
	case "arm64":
		return "arm64", nil
	case "x86_64":
		return "amd64", nil
	}
	return "", fmt.Errorf("gofunction: architecture %q: want arm64 or x86_64", architecture)
}

// localBundler builds the function with the host's Go toolchain.
type localBundler struct {
	options gobuild.Options
	// err is the failed build's error, kept for defineFunction.
	err error
	// outputDir is where the last build wrote.
	outputDir string
}

// removeOutput deletes what a failed build left in cdk.out. aws-cdk-lib
// builds in "<asset dir>-building" and renames that to the asset directory
// even when it is empty; left there, the next synth with the same hash would
// find the directory, skip the build and stage an empty function.
func (b *localBundler) removeOutput() error {
	for _, dir := range []string{b.outputDir, strings.TrimSuffix(b.outputDir, "-building")} {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("gofunction: remove the failed build's output: %v", err)
		}
	}
	return nil
}

// TryBundle builds the binary into outputDir. A failed build must not fall
// back to Docker (there is none here, and the fallback's error would hide the
// compiler's message), nor panic inside a jsii callback (that kills the jsii
// runtime mid-call): it keeps the error and reports the bundling as done, so
// that aws-cdk-lib rejects the empty output and defineFunction returns the
// error.
func (b *localBundler) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	o := b.options
	o.OutputDir = *outputDir
	b.outputDir = *outputDir
	b.err = gobuild.Build(context.Background(), o)
	return jsii.Bool(true)
}
