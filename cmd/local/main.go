// Command local runs the writer function on this machine: it starts
// moto_server, creates the table, runs the function under the AWS Lambda
// Runtime Interface Emulator with the sample item on (so {} writes the
// seed's item), invokes it once with the event (a single-item event or a
// batch, a JSON array), prints the response and each item read back, and
// stops everything.
//
// Usage, from the repository root:
//
//	go run ./cmd/local [-table-arn ARN] [-event JSON] [-v]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the flags and runs the function once: exit code 0 when it
// answered, 1 when the local run failed, 2 for a bad flag.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("local", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tableARN := fs.String("table-arn", tablespec.ExampleArn, "the table's ARN; moto_server plays its account")
	event := fs.String("event", "{}", "the event to invoke the function with: a JSON object, or an array of up to 100 for a batch")
	verbose := fs.Bool("v", false, "show the output of the build, moto_server, the emulator and the function")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "error: unexpected argument %q; the event goes in -event\n", fs.Arg(0))
		return 2
	}
	if _, err := tablespec.ParseArn(*tableARN); err != nil {
		fmt.Fprintln(stderr, "error: -table-arn:", err)
		return 2
	}
	if !json.Valid([]byte(*event)) {
		fmt.Fprintf(stderr, "error: -event: %q is not JSON; want an object, or an array for a batch (quote it for the shell: -event '{\"category\":\"Fruit\",\"item\":\"Pear\"}')\n", *event)
		return 2
	}
	l := &local{stdout: stdout, stderr: stderr, verbose: *verbose}
	if err := l.run(ctx, *tableARN, []byte(*event)); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	return 0
}

// local is one local run and where it writes.
type local struct {
	stdout, stderr io.Writer
	verbose        bool
}

func (l *local) run(ctx context.Context, tableARN string, event []byte) (err error) {
	root, err := gobuild.ModuleRoot(".")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "writer-local-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var logs bytes.Buffer
	var log io.Writer = &logs
	if l.verbose {
		log = l.stderr
	}
	defer func() {
		if err != nil && !l.verbose && logs.Len() > 0 {
			fmt.Fprintf(l.stderr, "output of the build and the services:\n%s\n", logs.Bytes())
		}
	}()

	fmt.Fprintln(l.stdout, "building the function and the emulator...")
	bins, err := lambdalocal.Build(ctx, root, writerspec.Entry, dir, log)
	if err != nil {
		return err
	}
	fmt.Fprintln(l.stdout, "starting moto_server and the emulator...")
	stack, err := lambdalocal.Start(ctx, bins, tableARN, log, lambdalocal.SampleItemEnv)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stack.Stop()) }()

	fmt.Fprintf(l.stdout, "invoking with %s\n", event)
	res, err := stack.Function.Invoke(ctx, event)
	if err != nil {
		return err
	}
	fmt.Fprintf(l.stdout, "response: %s\n", res.Payload)
	if res.ErrorType != "" {
		return fmt.Errorf("the function failed: %s: %s", res.ErrorType, res.ErrorMessage)
	}

	keys, err := writtenKeys(res.Payload)
	if err != nil {
		return err
	}
	for _, key := range keys {
		if err := l.printItem(ctx, stack, tableARN, key); err != nil {
			return err
		}
	}
	return nil
}

// writtenKeys returns the keys of the function's response: one object for
// a single-item event, an array of them for a batch.
func writtenKeys(payload []byte) ([]map[string]string, error) {
	type written struct {
		Key map[string]string `json:"key"`
	}
	var batch []written
	if err := json.Unmarshal(payload, &batch); err != nil {
		var one written
		if err := json.Unmarshal(payload, &one); err != nil {
			return nil, fmt.Errorf("response %s: %w", payload, err)
		}
		batch = []written{one}
	}
	keys := make([]map[string]string, len(batch))
	for i, w := range batch {
		keys[i] = w.Key
	}
	return keys, nil
}

// printItem reads the item with key back from moto_server and prints it.
func (l *local) printItem(ctx context.Context, stack *lambdalocal.Stack, tableARN string, key map[string]string) error {
	out, err := stack.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(tableARN),
		Key: map[string]types.AttributeValue{
			tablespec.PartitionKey: &types.AttributeValueMemberS{Value: key[tablespec.PartitionKey]},
			tablespec.SortKey:      &types.AttributeValueMemberS{Value: key[tablespec.SortKey]},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("read the item back: %w", err)
	}
	var item map[string]any
	if err := attributevalue.UnmarshalMap(out.Item, &item); err != nil {
		return err
	}
	b, _ := json.Marshal(item)
	fmt.Fprintf(l.stdout, "item read back from %s: %s\n", tableARN, b)
	return nil
}
