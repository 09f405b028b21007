// Command writer is the Lambda function that writes one item, or a batch
// of up to 100 in one transaction, per invocation into the DynamoDB table named by TABLE_ARN, which may be in another account
// and another region.
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
	table, err := parseTableARN(os.Getenv(writerspec.TableArn))
	if err != nil {
		logger.Error("cannot start", "error", err.Error())
		os.Exit(1)
	}
	limitMemory(os.Getenv)
	sample, err := writerspec.ParseSampleItem(os.Getenv(writerspec.SampleItem))
	if err != nil {
		logger.Error("cannot start", "error", err.Error())
		os.Exit(1)
	}
	// aws-lambda-go logs every error a handler returns with the standard
	// logger; the handler has logged its own record already.
	log.SetFlags(0)
	log.SetOutput(&dropHandlerErrors{w: os.Stderr})
	lambda.Start(&Handler{
		DB:         newClient(table.Region, os.Getenv),
		TableARN:   table.String(),
		Log:        logger,
		Now:        time.Now,
		SampleItem: sample,
	})
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
