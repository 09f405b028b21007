// Command writer is the Lambda function that writes one item per invocation
// into the DynamoDB table named by TABLE_ARN, which may be in another account
// and another region.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

const exampleARN = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"

var (
	accountID = regexp.MustCompile(`^[0-9]{12}$`)
	tableName = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	table, err := parseTableARN(os.Getenv("TABLE_ARN"))
	if err != nil {
		logger.Error("cannot start", "error", err.Error())
		os.Exit(1)
	}
	// The client's region is the table's, which may differ from the function's:
	// a request signed for the wrong region is refused. AWS_ENDPOINT_URL_DYNAMODB
	// is honoured by the SDK's configuration loading.
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(table.Region))
	if err != nil {
		logger.Error("cannot start", "error", fmt.Sprintf("load AWS configuration: %v", err))
		os.Exit(1)
	}
	lambda.Start(&Handler{
		DB:       dynamodb.NewFromConfig(cfg),
		TableARN: table.String(),
		Log:      logger,
		Now:      time.Now,
	})
}

// parseTableARN checks that s is a DynamoDB table ARN.
func parseTableARN(s string) (arn.ARN, error) {
	if s == "" {
		return arn.ARN{}, fmt.Errorf("TABLE_ARN is not set; want the table's full ARN, such as %s", exampleARN)
	}
	a, err := arn.Parse(s)
	if err != nil {
		return arn.ARN{}, fmt.Errorf("TABLE_ARN %q: %v; want the table's full ARN, such as %s", s, err, exampleARN)
	}
	name, isTable := strings.CutPrefix(a.Resource, "table/")
	switch {
	case a.Service != "dynamodb":
		return arn.ARN{}, fmt.Errorf("TABLE_ARN %q: service is %q, want dynamodb", s, a.Service)
	case a.Region == "":
		return arn.ARN{}, fmt.Errorf("TABLE_ARN %q: region is empty; want the table's region", s)
	case !accountID.MatchString(a.AccountID):
		return arn.ARN{}, fmt.Errorf("TABLE_ARN %q: account %q, want 12 digits", s, a.AccountID)
	case !isTable:
		return arn.ARN{}, fmt.Errorf("TABLE_ARN %q: resource %q, want table/<name>", s, a.Resource)
	case !tableName.MatchString(name):
		return arn.ARN{}, fmt.Errorf("TABLE_ARN %q: table name %q, want 3 to 255 of A-Z a-z 0-9 _ . - (an index or stream ARN is not a table ARN)", s, name)
	}
	return a, nil
}
