package stacks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// withOptions is the default configuration with every production option on.
func withOptions(t *testing.T) map[string]any {
	return withContext(defaultContext(t), config.KeyTableEncryption, config.EncryptionCustomerManaged,
		config.KeyOrganizationID, "o-a1b2c3d4e5", config.KeyAlarmEmail, "ops@example.com")
}

// TestDefaultTemplatesUnchangedApartFromAlarms compares the default app with
// the templates it synthesized before the production options existed
// (testdata/default-without-alarms), leaving out the alarms, the function's
// code asset, the CDK's usage metadata and construct paths, which name
// nothing of the configuration.
func TestDefaultTemplatesUnchangedApartFromAlarms(t *testing.T) {
	s := synthesize(t, defaultContext(t))
	for _, stack := range []string{"TableStack", "WriterStack"} {
		data, err := os.ReadFile(filepath.Join("testdata", "default-without-alarms", stack+".template.json"))
		if err != nil {
			t.Fatal(err)
		}
		var before map[string]any
		if err := json.Unmarshal(data, &before); err != nil {
			t.Fatal(err)
		}
		now := asJSON(t, s.templates[stack]).(map[string]any)
		alarms := withoutComparableNoise(now)
		withoutComparableNoise(before)
		if alarms == 0 {
			t.Errorf("%s has no alarms", stack)
		}
		equalJSON(t, stack+" without its alarms", now, before)
	}
}

// withoutComparableNoise removes from tmpl, in place, what differs between
// two synths of the same configuration or is new with the alarms, and
// returns how many alarms it removed.
func withoutComparableNoise(tmpl map[string]any) int {
	resources := tmpl["Resources"].(map[string]any)
	alarms := 0
	for id, r := range resources {
		res := r.(map[string]any)
		delete(res, "Metadata") // construct paths, only in a cloud assembly
		switch res["Type"] {
		case "AWS::CloudWatch::Alarm":
			delete(resources, id)
			alarms++
		case "AWS::CDK::Metadata":
			delete(resources, id)
		case "AWS::Lambda::Function":
			delete(res["Properties"].(map[string]any), "Code")
			// The CDK's own DependsOn (role and policy) replaced the
			// policy-only override; TestWriterStack checks the order.
			delete(res, "DependsOn")
		}
	}
	delete(tmpl, "Conditions") // the CDK metadata's region condition
	return alarms
}

func TestCustomerManagedKey(t *testing.T) {
	s := synthesize(t, withOptions(t))
	tmpl := s.templates["TableStack"]

	// THEN the key rotates, is retained, and has exactly the key policy the
	// configuration renders: administration by the table account, and
	// kms:Decrypt through DynamoDB for the writer role in the organization
	keyID, key := onlyResource(t, tmpl, "AWS::KMS::Key")
	p := props(key)
	if p["EnableKeyRotation"] != true {
		t.Errorf("EnableKeyRotation = %v, want true", p["EnableKeyRotation"])
	}
	if key["DeletionPolicy"] != "Retain" || key["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("key deletion policy = %v/%v, want Retain", key["DeletionPolicy"], key["UpdateReplacePolicy"])
	}
	equalJSON(t, "key policy", p["KeyPolicy"], s.cfg.KeyPolicy())
	_, alias := onlyResource(t, tmpl, "AWS::KMS::Alias")
	equalJSON(t, "alias", props(alias), map[string]any{"AliasName": "alias/cross-account-items-table", "TargetKeyId": getAtt(keyID, "Arn")})

	// AND the table is encrypted with it
	_, table := onlyResource(t, tmpl, "AWS::DynamoDB::GlobalTable")
	tp := props(table)
	equalJSON(t, "SSESpecification", tp["SSESpecification"], map[string]any{"SSEEnabled": true, "SSEType": "KMS"})
	replica := tp["Replicas"].([]any)[0].(map[string]any)
	equalJSON(t, "ReplicaSSESpecification", replica["SSESpecification"], map[string]any{"KMSMasterKeyId": getAtt(keyID, "Arn")})

	// AND the table policy requires the organization too
	equalJSON(t, "table policy", replica["ResourcePolicy"].(map[string]any)["PolicyDocument"], config.TablePolicy(s.cfg.Grants()))
	cond := config.TablePolicy(s.cfg.Grants())["Statement"].([]any)[0].(map[string]any)["Condition"].(map[string]any)
	equalJSON(t, "organization condition", cond["StringEquals"], map[string]any{"aws:PrincipalOrgID": "o-a1b2c3d4e5"})
}

func TestTableAlarms(t *testing.T) {
	tableName := ref("TableCD117FA1")
	throttled := map[string]any{
		"ComparisonOperator": "GreaterThanOrEqualToThreshold", "EvaluationPeriods": float64(1), "Threshold": float64(1),
		"TreatMissingData": "notBreaching",
		"Metrics": []any{
			map[string]any{"Expression": "reads + writes", "Id": "expr_1", "Label": "throttled reads and writes", "ReturnData": true},
			map[string]any{"Id": "reads", "ReturnData": false, "MetricStat": map[string]any{
				"Metric": map[string]any{"Namespace": "AWS/DynamoDB", "MetricName": "ReadThrottleEvents", "Dimensions": []any{map[string]any{"Name": "TableName", "Value": tableName}}},
				"Period": float64(300), "Stat": "Sum"}},
			map[string]any{"Id": "writes", "ReturnData": false, "MetricStat": map[string]any{
				"Metric": map[string]any{"Namespace": "AWS/DynamoDB", "MetricName": "WriteThrottleEvents", "Dimensions": []any{map[string]any{"Name": "TableName", "Value": tableName}}},
				"Period": float64(300), "Stat": "Sum"}},
		},
	}
	userErrors := map[string]any{
		"ComparisonOperator": "GreaterThanOrEqualToThreshold", "EvaluationPeriods": float64(1), "Threshold": float64(1),
		"TreatMissingData": "notBreaching", "Namespace": "AWS/DynamoDB", "MetricName": "UserErrors", "Period": float64(300), "Statistic": "Sum",
	}
	for _, tc := range []struct {
		name   string
		ctx    map[string]any
		action bool
	}{{"default: no action", defaultContext(t), false}, {"with an e-mail: notifies the topic", withOptions(t), true}} {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := synthesize(t, tc.ctx).templates["TableStack"]
			alarms := resourcesOfType(tmpl, "AWS::CloudWatch::Alarm")
			if len(alarms) != 2 {
				t.Fatalf("want 2 alarms, got %d", len(alarms))
			}
			var topicRef any
			if tc.action {
				topicID, _ := onlyResource(t, tmpl, "AWS::SNS::Topic")
				topicRef = []any{ref(topicID)}
				_, sub := onlyResource(t, tmpl, "AWS::SNS::Subscription")
				if p := props(sub); p["Protocol"] != "email" || p["Endpoint"] != "ops@example.com" {
					t.Errorf("subscription = %v, want email to ops@example.com", p)
				}
			} else if n := len(resourcesOfType(tmpl, "AWS::SNS::Topic")); n != 0 {
				t.Errorf("%d topics without an e-mail, want none", n)
			}
			for id, a := range alarms {
				p := props(a)
				got := map[string]any{}
				for k, v := range p {
					if k != "AlarmDescription" && k != "AlarmActions" {
						got[k] = v
					}
				}
				want := userErrors
				if p["Metrics"] != nil {
					want = throttled
				}
				equalJSON(t, id, got, want)
				equalJSON(t, id+" actions", p["AlarmActions"], topicRef)
				if p["AlarmDescription"] == nil {
					t.Errorf("%s has no description", id)
				}
			}
		})
	}
}

// TestOptionsTemplatesValidate runs the app's own gate, aws-cdk-lib's
// template validation, over the stacks with every option on.
func TestOptionsTemplatesValidate(t *testing.T) {
	s := synthesize(t, withOptions(t))
	guard(t, func() {
		assertions.Template_FromStack(s.app.Table.Stack, nil).ResourceCountIs(jsii.String("AWS::KMS::Key"), jsii.Number(1))
	})
}

func TestWriterKeyStatementAndAlarms(t *testing.T) {
	s := synthesize(t, withOptions(t))
	tmpl := s.templates["WriterStack"]

	// THEN the role may use the table's key only through DynamoDB
	_, policy := onlyResource(t, tmpl, "AWS::IAM::Policy")
	var found bool
	for _, st := range props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
		if st.(map[string]any)["Sid"] == "UseTableKey" {
			found = true
			equalJSON(t, "key statement", st, s.cfg.WriterKeyUse().Statement())
		}
	}
	if !found {
		t.Error("the writer's policy has no UseTableKey statement")
	}

	// AND three alarms watch the queue, the function's errors and its
	// throttles, notifying the stack's topic
	topicID, _ := onlyResource(t, tmpl, "AWS::SNS::Topic")
	queueID, _ := onlyResource(t, tmpl, "AWS::SQS::Queue")
	fnID, _ := onlyResource(t, tmpl, "AWS::Lambda::Function")
	want := map[string]map[string]any{
		"ApproximateNumberOfMessagesVisible": {"Namespace": "AWS/SQS", "Statistic": "Maximum",
			"Dimensions": []any{map[string]any{"Name": "QueueName", "Value": getAtt(queueID, "QueueName")}}},
		"Errors": {"Namespace": "AWS/Lambda", "Statistic": "Sum",
			"Dimensions": []any{map[string]any{"Name": "FunctionName", "Value": ref(fnID)}}},
		"Throttles": {"Namespace": "AWS/Lambda", "Statistic": "Sum",
			"Dimensions": []any{map[string]any{"Name": "FunctionName", "Value": ref(fnID)}}},
	}
	alarms := resourcesOfType(tmpl, "AWS::CloudWatch::Alarm")
	if len(alarms) != len(want) {
		t.Fatalf("want %d alarms, got %d", len(want), len(alarms))
	}
	for id, a := range alarms {
		p := props(a)
		w, ok := want[p["MetricName"].(string)]
		if !ok {
			t.Errorf("%s: unexpected metric %v", id, p["MetricName"])
			continue
		}
		for k, v := range map[string]any{"Threshold": 1, "EvaluationPeriods": 1, "Period": 300,
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching", "AlarmActions": []any{ref(topicID)}} {
			w[k] = v
		}
		got := map[string]any{}
		for k, v := range p {
			if k != "AlarmDescription" && k != "MetricName" {
				got[k] = v
			}
		}
		equalJSON(t, id, got, w)
	}
}

func TestWriterWithoutFunctionHasNoAlarms(t *testing.T) {
	writers := `[{"name":"Writer","account":"222222222222","roleName":"reader","actions":["dynamodb:GetItem"]}]`
	tmpl := synthesize(t, withContext(withOptions(t), config.KeyWriters, writers)).templates["WriterStack"]
	for _, typ := range []string{"AWS::CloudWatch::Alarm", "AWS::SNS::Topic", "AWS::Lambda::Function"} {
		if n := len(resourcesOfType(tmpl, typ)); n != 0 {
			t.Errorf("%d %s in a writer stack without a function, want none", n, typ)
		}
	}
}
