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
	tableARN := flag.String("table-arn", tablespec.ExampleArn, "the table's ARN; moto_server plays its account")
	event := flag.String("event", "{}", "the event to invoke the function with: a JSON object, or an array of up to 100 for a batch")
	verbose := flag.Bool("v", false, "show the output of the build, moto_server, the emulator and the function")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *tableARN, []byte(*event), *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, tableARN string, event []byte, verbose bool) (err error) {
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
	if verbose {
		log = os.Stderr
	}
	defer func() {
		if err != nil && !verbose && logs.Len() > 0 {
			fmt.Fprintf(os.Stderr, "output of the build and the services:\n%s\n", logs.Bytes())
		}
	}()

	fmt.Println("building the function and the emulator...")
	bins, err := lambdalocal.Build(ctx, root, writerspec.Entry, dir, log)
	if err != nil {
		return err
	}
	fmt.Println("starting moto_server and the emulator...")
	stack, err := lambdalocal.Start(ctx, bins, tableARN, log, lambdalocal.SampleItemEnv)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stack.Stop()) }()

	fmt.Printf("invoking with %s\n", event)
	res, err := stack.Function.Invoke(ctx, event)
	if err != nil {
		return err
	}
	fmt.Printf("response: %s\n", res.Payload)
	if res.ErrorType != "" {
		return fmt.Errorf("the function failed: %s: %s", res.ErrorType, res.ErrorMessage)
	}

	keys, err := writtenKeys(res.Payload)
	if err != nil {
		return err
	}
	for _, key := range keys {
		if err := printItem(ctx, stack, tableARN, key); err != nil {
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
func printItem(ctx context.Context, stack *lambdalocal.Stack, tableARN string, key map[string]string) error {
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
	fmt.Printf("item read back from %s: %s\n", tableARN, b)
	return nil
}
