package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/verify"
)

// probeItems counts the probe items left in the local table.
func probeItems(t *testing.T) int32 {
	t.Helper()
	db := dynamodb.NewFromConfig(awsConfigFor(t, "a", local.cfg.TableRegion))
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{
		TableName:                 aws.String(local.cfg.TableArn()),
		FilterExpression:          aws.String("category = :c"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": &ddbtypes.AttributeValueMemberS{Value: verify.ProbeCategory}},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Count
}

func TestCleanDeploymentPassesWithWrite(t *testing.T) {
	deployment(t)
	code, out := verifyRun(t, "-profile-a", "a", "-profile-b", "b", "-write")
	if code != verify.ExitOK {
		t.Errorf("exit code %d, want 0 on a clean deployment", code)
	}
	wantLines(t, out,
		`OK     the table's account (TableStack) 111111111111 is profile "a"`,
		`OK     the account of WriterStack 222222222222 is profile "b"`,
		"OK     deletion protection is on",
		"OK     point-in-time recovery is on",
		"OK     the live resource policy equals the synthesized one",
		"OK     the trust policy of cross-account-items-writer equals the synthesized one",
		"OK     function WriterStack-WriterFunction9FC85C31: TABLE_ARN is arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
		"OK     function WriterStack-WriterFunction9FC85C31: architecture is arm64",
		"OK     the live policies allow exactly the 1 declared",
		"dynamodb:PutItem                              ALLOW",
		"OK     writer Writer: invoke WriterStack-WriterFunction9FC85C31 wrote category=verify-probe",
		"OK     writer Writer: read the probe item back",
		"OK     writer Writer: deleted the probe item",
		"0 differences, 0 could not be checked",
	)
	if n := probeItems(t); n != 0 {
		t.Errorf("%d probe items left in the table, want 0", n)
	}
}
