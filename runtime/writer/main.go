// Command writer is the Lambda function that writes one item, or a batch
// of up to 100 in one transaction, per invocation into the DynamoDB table
// named by TABLE_ARN, which may be in another account and another region.
// With WRITER_SOURCE=queue it drains a queue instead: each message of an
// SQS event is one such event.
package main

import (
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	limitMemory(os.Getenv)
	handler, err := newHandler(os.Getenv, logger)
	if err != nil {
		logger.Error("cannot start", "error", err.Error())
		os.Exit(1)
	}
	// aws-lambda-go logs every error a handler returns with the standard
	// logger; the handler has logged its own record already.
	log.SetFlags(0)
	log.SetOutput(&dropHandlerErrors{w: os.Stderr})
	lambda.Start(handler)
}

// newHandler reads the function's environment once: the table, the
// sample item's switch and the source. An invoked writer's handler is a
// Handler; a queue writer's a QueueHandler, which needs its dead-letter
// queue.
func newHandler(getenv func(string) string, logger *slog.Logger) (lambda.Handler, error) {
	table, err := parseTableARN(getenv(writerspec.TableArn))
	if err != nil {
		return nil, err
	}
	sample, err := writerspec.ParseSampleItem(getenv(writerspec.SampleItem))
	if err != nil {
		return nil, err
	}
	queue, err := writerspec.ParseSource(getenv(writerspec.Source))
	if err != nil {
		return nil, err
	}
	h := &Handler{
		DB:         newClient(table.Region, getenv),
		TableARN:   table.String(),
		Log:        logger,
		Now:        time.Now,
		SampleItem: sample,
	}
	if !queue {
		return h, nil
	}
	dlq := getenv(writerspec.DeadLetterQueue)
	region, err := queueRegion(dlq)
	if err != nil {
		return nil, err
	}
	dead, err := newDeadLetters(dlq, region, getenv)
	if err != nil {
		return nil, err
	}
	return &QueueHandler{Writer: h, DeadLetters: dead}, nil
}

// parseTableARN checks that s is a DynamoDB table ARN, by the rules of
// package tablespec.
func parseTableARN(s string) (tablespec.Table, error) {
	if s == "" {
		return tablespec.Table{}, fmt.Errorf("TABLE_ARN is not set; want the table's full ARN, such as %s", tablespec.ExampleArn)
	}
	t, err := tablespec.ParseArn(s)
	if err != nil {
		return tablespec.Table{}, fmt.Errorf("TABLE_ARN %w", err)
	}
	return t, nil
}
