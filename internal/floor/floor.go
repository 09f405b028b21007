// Package floor writes the reference programs the benchmarks compare the
// project with: a hello-world Go Lambda function, the smallest function that
// writes to DynamoDB, and an empty Go CDK app, each in a module of its own
// that uses this project's versions of its dependencies.
package floor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// functionMain is the smallest Lambda function aws-lambda-go can run.
const functionMain = `package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context) (string, error) { return "ok", nil })
}
`

// putItemMain is the smallest function that writes one item with the SDK:
// one PutItem of a fixed item into the table TABLE_ARN names, in its
// region, with the environment's credentials and endpoint. No validation,
// no retries of its own, no logging.
const putItemMain = `package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func main() {
	table := os.Getenv("TABLE_ARN")
	parsed, _ := arn.Parse(table)
	options := dynamodb.Options{
		Region: parsed.Region,
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")}, nil
		})),
	}
	if url := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"); url != "" {
		options.BaseEndpoint = aws.String(url)
	}
	client := dynamodb.New(options)
	lambda.Start(func(ctx context.Context) (string, error) {
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
			"category": &types.AttributeValueMemberS{Value: "Fruit"},
			"item":     &types.AttributeValueMemberS{Value: "Apple"},
		}})
		if err != nil {
			return "", err
		}
		return "ok", nil
	})
}
`

// appMain is a CDK app with one empty stack.
const appMain = `package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	awscdk.NewStack(app, jsii.String("EmptyStack"), nil)
	app.Synth(nil)
}
`

// Function writes the hello-world function's module into dir; its main
// package is the module root (entry ".").
func Function(ctx context.Context, moduleRoot, dir string) error {
	return writeModule(ctx, moduleRoot, dir, functionMain, "github.com/aws/aws-lambda-go")
}

// PutItemFunction writes the smallest DynamoDB-writing function's module
// into dir; its main package is the module root (entry ".").
func PutItemFunction(ctx context.Context, moduleRoot, dir string) error {
	return writeModule(ctx, moduleRoot, dir, putItemMain, "github.com/aws/aws-lambda-go",
		"github.com/aws/aws-sdk-go-v2", "github.com/aws/aws-sdk-go-v2/service/dynamodb", "github.com/aws/smithy-go")
}

// App writes the empty CDK app's module into dir, with a cdk.json that runs
// it as the project's cdk.json runs the project ("go run ."), and a link to
// the project's node_modules so that `npx cdk` is the same CLI.
func App(ctx context.Context, moduleRoot, dir string) error {
	err := writeModule(ctx, moduleRoot, dir, appMain,
		"github.com/aws/aws-cdk-go/awscdk/v2", "github.com/aws/constructs-go/constructs/v10", "github.com/aws/jsii-runtime-go")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "cdk.json"), []byte(`{"app": "go run ."}`+"\n"), 0o644); err != nil {
		return err
	}
	return os.Symlink(filepath.Join(moduleRoot, "node_modules"), filepath.Join(dir, "node_modules"))
}

// writeModule writes main.go and a go.mod requiring modules at the versions
// moduleRoot's build list selects, copies moduleRoot's go.sum and completes
// both from the module cache, without the network.
func writeModule(ctx context.Context, moduleRoot, dir, main string, modules ...string) error {
	out, err := goCmd(ctx, moduleRoot, nil, append([]string{"list", "-m", "-f", "{{.Path}} {{.Version}}"}, modules...)...)
	if err != nil {
		return err
	}
	goVersion, err := goCmd(ctx, moduleRoot, nil, "list", "-m", "-f", "{{.GoVersion}}")
	if err != nil {
		return err
	}
	goMod := fmt.Sprintf("module floor\n\ngo %s\n\nrequire (\n", strings.TrimSpace(goVersion))
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		goMod += "\t" + line + "\n"
	}
	goMod += ")\n"
	sum, err := os.ReadFile(filepath.Join(moduleRoot, "go.sum"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, body := range map[string][]byte{"go.mod": []byte(goMod), "go.sum": sum, "main.go": []byte(main)} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			return err
		}
	}
	// A build with -mod=mod records the indirect requirements in go.mod, so
	// that later go commands (go run ., as the CDK CLI runs the app) need no
	// flag.
	_, err = goCmd(ctx, dir, []string{"GOPROXY=off"}, "build", "-mod=mod", "-o", os.DevNull, ".")
	return err
}

func goCmd(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return string(out), nil
}
