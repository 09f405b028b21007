// Command local runs the writer function on this machine: it starts
// moto_server, creates the table, runs the function under the AWS Lambda
// Runtime Interface Emulator, invokes it once with the seed's event ({}),
// prints the response and the item read back, and stops everything.
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
)

func main() {
	tableARN := flag.String("table-arn", tablespec.ExampleArn, "the table's ARN; moto_server plays its account")
	event := flag.String("event", "{}", "the event to invoke the function with")
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
	bins, err := lambdalocal.Build(ctx, root, "runtime/writer", dir, log)
	if err != nil {
		return err
	}
	fmt.Println("starting moto_server and the emulator...")
	stack, err := lambdalocal.Start(ctx, bins, tableARN, log)
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

	var written struct {
		Key map[string]string `json:"key"`
	}
	if err := json.Unmarshal(res.Payload, &written); err != nil {
		return fmt.Errorf("response %s: %w", res.Payload, err)
	}
	out, err := stack.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(tableARN),
		Key: map[string]types.AttributeValue{
			tablespec.PartitionKey: &types.AttributeValueMemberS{Value: written.Key[tablespec.PartitionKey]},
			tablespec.SortKey:      &types.AttributeValueMemberS{Value: written.Key[tablespec.SortKey]},
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
