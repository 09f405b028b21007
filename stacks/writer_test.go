package stacks

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

const defaultTableArn = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"

func TestWriterStack(t *testing.T) {
	// GIVEN the defaults of cdk.json
	s := synthesize(t, defaultContext(t))
	tmpl := s.templates["WriterStack"]

	// THEN the role has its fixed name, is trusted by Lambda only, and has
	// no managed policy
	roleID, role := onlyResource(t, tmpl, "AWS::IAM::Role")
	rp := props(role)
	if rp["RoleName"] != "cross-account-items-writer" {
		t.Errorf("RoleName = %v, want cross-account-items-writer", rp["RoleName"])
	}
	equalJSON(t, "trust policy", rp["AssumeRolePolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Action": "sts:AssumeRole", "Effect": "Allow",
			"Principal": map[string]any{"Service": "lambda.amazonaws.com"},
		}},
	})
	for _, key := range []string{"ManagedPolicyArns", "Policies"} {
		if v, ok := rp[key]; ok {
			t.Errorf("role has %s %v, want none", key, v)
		}
	}
	if n := len(resourcesOfType(tmpl, "AWS::IAM::ManagedPolicy")); n != 0 {
		t.Errorf("%d managed policies, want none", n)
	}

	// AND its one identity policy grants exactly the writer's actions on
	// exactly the table, log writes to its own log group and sends to its
	// dead-letter queue: nothing on "*"
	logGroupID, logGroup := onlyResource(t, tmpl, "AWS::Logs::LogGroup")
	queueID, queue := onlyResource(t, tmpl, "AWS::SQS::Queue")
	policyID, policy := onlyResource(t, tmpl, "AWS::IAM::Policy")
	pp := props(policy)
	equalJSON(t, "policy roles", pp["Roles"], []any{ref(roleID)})
	equalJSON(t, "identity policy", pp["PolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "WriteTable", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": defaultTableArn},
			map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": getAtt(logGroupID, "Arn")},
			map[string]any{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": getAtt(queueID, "Arn")},
		},
	})

	// AND the function is the Go binary on provided.al2023, arm64, told the
	// table's full ARN, logging to its own log group, with a dead-letter queue
	fnID, fn := onlyResource(t, tmpl, "AWS::Lambda::Function")
	fp := props(fn)
	for key, want := range map[string]any{
		"Runtime": writerspec.Runtime, // what verify expects

		"Handler":          "bootstrap",
		"Architectures":    []any{writerspec.Architecture},
		"Role":             getAtt(roleID, "Arn"),
		"Environment":      map[string]any{"Variables": map[string]any{writerspec.TableArn: defaultTableArn}},
		"LoggingConfig":    map[string]any{"LogFormat": "JSON", "LogGroup": ref(logGroupID)},
		"DeadLetterConfig": map[string]any{"TargetArn": getAtt(queueID, "Arn")},
	} {
		equalJSON(t, "function "+key, fp[key], want)
	}
	// (created after its policy, which Lambda checks for the queue; the
	// role in DependsOn is redundant with the GetAtt of its ARN, and only
	// cfn-lint's W3005 is told so, on this resource alone)
	if deps, _ := fn["DependsOn"].([]any); !slices.Contains(deps, any(policyID)) {
		t.Errorf("function DependsOn = %v, want it to name the role's policy %s", fn["DependsOn"], policyID)
	}
	equalJSON(t, "function cfn-lint metadata", fn["Metadata"].(map[string]any)["cfn-lint"], map[string]any{"config": map[string]any{"ignore_checks": []any{"W3005"}}})
	if code, _ := fp["Code"].(map[string]any); code == nil || !strings.HasSuffix(code["S3Key"].(string), ".zip") {
		t.Errorf("function Code = %v, want an S3 asset", fp["Code"])
	}

	// AND the log group has a retention period and is kept on delete
	if got := props(logGroup)["RetentionInDays"]; got != float64(90) {
		t.Errorf("log group RetentionInDays = %v, want 90", got)
	}
	if logGroup["DeletionPolicy"] != "Retain" {
		t.Errorf("log group DeletionPolicy = %v, want Retain", logGroup["DeletionPolicy"])
	}

	// AND the dead-letter queue is encrypted, kept on delete, and refuses
	// anything but TLS
	if props(queue)["SqsManagedSseEnabled"] != true {
		t.Errorf("queue SqsManagedSseEnabled = %v, want true", props(queue)["SqsManagedSseEnabled"])
	}
	if queue["DeletionPolicy"] != "Retain" {
		t.Errorf("queue DeletionPolicy = %v, want Retain", queue["DeletionPolicy"])
	}
	_, queuePolicy := onlyResource(t, tmpl, "AWS::SQS::QueuePolicy")
	equalJSON(t, "queue policy", props(queuePolicy)["PolicyDocument"].(map[string]any)["Statement"], []any{map[string]any{
		"Effect": "Deny", "Action": "sqs:*", "Principal": map[string]any{"AWS": "*"},
		"Resource":  getAtt(queueID, "Arn"),
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}})

	// AND the stack outputs the role's ARN and the function's name
	outputs := tmpl["Outputs"].(map[string]any)
	equalJSON(t, "RoleArn output", outputs["RoleArn"].(map[string]any)["Value"], getAtt(roleID, "Arn"))
	equalJSON(t, "FunctionName output", outputs["FunctionName"].(map[string]any)["Value"], ref(fnID))

	// AND the stack is in the writer's account
	ws := s.app.Writers[0]
	if *ws.Account() != "222222222222" || *ws.Region() != "us-east-1" {
		t.Errorf("WriterStack env = %s/%s, want 222222222222/us-east-1", *ws.Account(), *ws.Region())
	}
}

// TestNoExportsOrImports checks that no template links to another through
// CloudFormation exports, which cannot cross accounts.
func TestNoExportsOrImports(t *testing.T) {
	for name, ctx := range map[string]map[string]any{
		"default":     defaultContext(t),
		"two writers": withContext(defaultContext(t), config.KeyWriters, twoWriters()),
	} {
		s := synthesize(t, ctx)
		for stack, tmpl := range s.templates {
			raw, _ := json.Marshal(tmpl)
			for _, banned := range []string{`"Fn::ImportValue"`, `"Export"`} {
				if strings.Contains(string(raw), banned) {
					t.Errorf("%s: %s has %s", name, stack, banned)
				}
			}
		}
		for _, w := range s.app.Writers {
			if deps := w.Dependencies(); len(*deps) != 0 {
				t.Errorf("%s: %s depends on %d stacks, want none", name, *w.StackName(), len(*deps))
			}
		}
	}
}

// TestWriterWithoutPutItemHasNoFunction: the function only calls PutItem, so
// a grant without it gets the role and its output, for the user's own
// workload, and nothing of the function's.
func TestWriterWithoutPutItemHasNoFunction(t *testing.T) {
	// GIVEN a second writer granted reads only
	writers := []any{
		twoWriters()[0],
		map[string]any{"name": "Reporting", "account": "333333333333", "region": "eu-west-1", "roleName": "reporting-reader",
			"actions": []any{"dynamodb:GetItem", "dynamodb:Query"}},
	}
	s := synthesize(t, withContext(defaultContext(t), config.KeyWriters, writers))

	// THEN its stack has the role with exactly the granted actions on the
	// table, and outputs the role's ARN
	tmpl := s.templates["ReportingStack"]
	roleID, _ := onlyResource(t, tmpl, "AWS::IAM::Role")
	_, policy := onlyResource(t, tmpl, "AWS::IAM::Policy")
	equalJSON(t, "identity policy", props(policy)["PolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{"Sid": "WriteTable", "Effect": "Allow",
			"Action": []any{"dynamodb:GetItem", "dynamodb:Query"}, "Resource": defaultTableArn}},
	})
	outputs := tmpl["Outputs"].(map[string]any)
	equalJSON(t, "RoleArn output", outputs["RoleArn"].(map[string]any)["Value"], getAtt(roleID, "Arn"))

	// AND no function, log group, queue or function name output
	for _, typ := range []string{"AWS::Lambda::Function", "AWS::Logs::LogGroup", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy"} {
		if n := len(resourcesOfType(tmpl, typ)); n != 0 {
			t.Errorf("ReportingStack has %d %s, want none", n, typ)
		}
	}
	if _, ok := outputs["FunctionName"]; ok {
		t.Error("ReportingStack outputs FunctionName, want no function")
	}
	if s.app.Writers[1].Function != nil {
		t.Error("WriterStack.Function is set for a writer without PutItem")
	}

	// AND the writer with PutItem still has its function
	if n := len(resourcesOfType(s.templates["WriterStack"], "AWS::Lambda::Function")); n != 1 {
		t.Errorf("WriterStack has %d functions, want 1", n)
	}
}
