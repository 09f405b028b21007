package stacks

import (
	"slices"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

func TestDefaultConfigSynthesizesTableStackAndWriterStack(t *testing.T) {
	s := synthesize(t, defaultContext(t))
	var names []string
	for name := range s.templates {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"TableStack", "WriterStack"}) {
		t.Errorf("stacks = %v, want [TableStack WriterStack]", names)
	}
}

func TestTwoWriters(t *testing.T) {
	// GIVEN two writers in two accounts, the second with two actions and in
	// another region than the table
	s := synthesize(t, withContext(defaultContext(t), config.KeyWriters, twoWriters()))

	// THEN there are three stacks, named after the writers
	if len(s.templates) != 3 || s.templates["WriterStack"] == nil || s.templates["ReportingStack"] == nil {
		t.Fatalf("stacks = %v, want TableStack, WriterStack, ReportingStack", keys(s.templates))
	}

	// AND the table's policy has one statement per writer, each naming its
	// own account, role and actions
	_, table := onlyResource(t, s.templates["TableStack"], "AWS::DynamoDB::GlobalTable")
	replica := props(table)["Replicas"].([]any)[0].(map[string]any)
	statements := replica["ResourcePolicy"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"]
	equalJSON(t, "resource policy statements", statements, []any{
		map[string]any{
			"Sid": "Writer", "Effect": "Allow", "Resource": "*", "Action": "dynamodb:PutItem",
			"Principal": map[string]any{"AWS": "arn:aws:iam::222222222222:root"},
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::222222222222:role/cross-account-items-writer"}},
		},
		map[string]any{
			"Sid": "Reporting", "Effect": "Allow", "Resource": "*", "Action": []any{"dynamodb:PutItem", "dynamodb:UpdateItem"},
			"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"},
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::333333333333:role/reporting-writer"}},
		},
	})

	// AND it is exactly the document the configuration renders, whose size
	// and public-access rules the configuration checks
	equalJSON(t, "resource policy", replica["ResourcePolicy"].(map[string]any)["PolicyDocument"], config.TablePolicy(s.cfg.Grants()))

	// AND the second writer's stack is in its own account and region, and
	// grants its role exactly its actions on the table in us-east-1
	rs := s.app.Writers[1]
	if *rs.StackName() != "ReportingStack" || *rs.Account() != "333333333333" || *rs.Region() != "eu-west-1" {
		t.Errorf("second writer stack = %s %s/%s, want ReportingStack 333333333333/eu-west-1", *rs.StackName(), *rs.Account(), *rs.Region())
	}
	_, policy := onlyResource(t, s.templates["ReportingStack"], "AWS::IAM::Policy")
	first := props(policy)["PolicyDocument"].(map[string]any)["Statement"].([]any)[0]
	equalJSON(t, "table statement", first, map[string]any{
		"Sid": "WriteTable", "Effect": "Allow",
		"Action":   []any{"dynamodb:PutItem", "dynamodb:UpdateItem"},
		"Resource": defaultTableArn,
	})
	_, fn := onlyResource(t, s.templates["ReportingStack"], "AWS::Lambda::Function")
	equalJSON(t, "cross-region TABLE_ARN", props(fn)["Environment"], map[string]any{"Variables": map[string]any{"TABLE_ARN": defaultTableArn}})
}

func TestCrossRegionWriter(t *testing.T) {
	// GIVEN the table in us-east-1 and the writer in eu-central-1
	writers := []any{map[string]any{"name": "Writer", "account": "222222222222", "region": "eu-central-1", "roleName": "cross-account-items-writer"}}
	s := synthesize(t, withContext(defaultContext(t), config.KeyWriters, writers))

	// THEN the writer stack is in eu-central-1, its function still names the
	// table in us-east-1, and the table's replica stays in us-east-1
	ws := s.app.Writers[0]
	if *ws.Region() != "eu-central-1" {
		t.Errorf("WriterStack region = %s, want eu-central-1", *ws.Region())
	}
	_, fn := onlyResource(t, s.templates["WriterStack"], "AWS::Lambda::Function")
	equalJSON(t, "TABLE_ARN", props(fn)["Environment"], map[string]any{"Variables": map[string]any{"TABLE_ARN": defaultTableArn}})
	_, table := onlyResource(t, s.templates["TableStack"], "AWS::DynamoDB::GlobalTable")
	if r := props(table)["Replicas"].([]any)[0].(map[string]any)["Region"]; r != "us-east-1" {
		t.Errorf("table replica region = %v, want us-east-1", r)
	}
}

func TestTableInChinaPartition(t *testing.T) {
	// GIVEN a table and writer in cn-north-1
	writers := []any{map[string]any{"name": "Writer", "account": "222222222222", "region": "cn-north-1", "roleName": "w"}}
	s := synthesize(t, withContext(defaultContext(t), config.KeyTableRegion, "cn-north-1", config.KeyWriters, writers))

	// THEN every ARN is in the aws-cn partition
	if got, want := s.cfg.TableArn(), "arn:aws-cn:dynamodb:cn-north-1:111111111111:table/cross-account-items"; got != want {
		t.Errorf("TableArn = %s, want %s", got, want)
	}
	if got, want := s.cfg.Writers[0].RoleArn(), "arn:aws-cn:iam::222222222222:role/w"; got != want {
		t.Errorf("RoleArn = %s, want %s", got, want)
	}
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
