package stacks

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

func TestTableStack(t *testing.T) {
	// GIVEN the defaults of cdk.json
	s := synthesize(t, defaultContext(t))
	tmpl := s.templates["TableStack"]

	// THEN there is exactly one table, a TableV2 with the seed's keys
	id, table := onlyResource(t, tmpl, "AWS::DynamoDB::GlobalTable")
	p := props(table)
	if got := p["TableName"]; got != "cross-account-items" {
		t.Errorf("TableName = %v, want cross-account-items", got)
	}
	equalJSON(t, "KeySchema", p["KeySchema"], []any{
		map[string]any{"AttributeName": "category", "KeyType": "HASH"},
		map[string]any{"AttributeName": "item", "KeyType": "RANGE"},
	})
	equalJSON(t, "AttributeDefinitions", p["AttributeDefinitions"], []any{
		map[string]any{"AttributeName": "category", "AttributeType": "S"},
		map[string]any{"AttributeName": "item", "AttributeType": "S"},
	})
	if got := p["BillingMode"]; got != "PAY_PER_REQUEST" {
		t.Errorf("BillingMode = %v, want PAY_PER_REQUEST", got)
	}

	// AND it survives deletion of the stack and accidental deletes
	guard(t, func() {
		assertions.Template_FromJSON(&tmpl, nil).HasResource(jsii.String("AWS::DynamoDB::GlobalTable"), map[string]any{
			"DeletionPolicy":      "Retain",
			"UpdateReplacePolicy": "Retain",
		})
	})
	replicas, _ := p["Replicas"].([]any)
	if len(replicas) != 1 {
		t.Fatalf("Replicas = %v, want one replica", p["Replicas"])
	}
	replica := replicas[0].(map[string]any)
	if replica["Region"] != "us-east-1" {
		t.Errorf("replica region = %v, want us-east-1", replica["Region"])
	}
	if replica["DeletionProtectionEnabled"] != true {
		t.Errorf("DeletionProtectionEnabled = %v, want true", replica["DeletionProtectionEnabled"])
	}
	equalJSON(t, "PointInTimeRecoverySpecification", replica["PointInTimeRecoverySpecification"],
		map[string]any{"PointInTimeRecoveryEnabled": true})

	// AND its resource policy has exactly one statement: the writer's
	// account root, narrowed to the writer role's exact ARN
	equalJSON(t, "resource policy", replica["ResourcePolicy"], map[string]any{
		"PolicyDocument": map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Sid":       "Writer",
				"Effect":    "Allow",
				"Principal": map[string]any{"AWS": "arn:aws:iam::222222222222:root"},
				"Action":    "dynamodb:PutItem",
				"Resource":  "*",
				"Condition": map[string]any{"ArnEquals": map[string]any{
					"aws:PrincipalArn": "arn:aws:iam::222222222222:role/cross-account-items-writer",
				}},
			}},
		},
	})

	// AND the stack outputs the table's ARN
	equalJSON(t, "outputs", tmpl["Outputs"].(map[string]any)["TableArn"].(map[string]any)["Value"], getAtt(id, "Arn"))

	// AND the stack is in the table's account and region
	if got := *s.app.Table.Account(); got != "111111111111" {
		t.Errorf("TableStack account = %s, want 111111111111", got)
	}
	if got := *s.app.Table.Region(); got != "us-east-1" {
		t.Errorf("TableStack region = %s, want us-east-1", got)
	}
}
