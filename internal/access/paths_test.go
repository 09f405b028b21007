package access

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	writerFunction = "WriterStack/WriterFunction9FC85C31"
	viaWriterRole  = " via role " + itemsWriter + " (its trust policy admits it"
	viaWriterFn    = " via function " + writerFunction + " (its resource policy admits it"
)

// TestPathsFindEveryoneWhoCanActAsAWriter edits the synthesized writer
// stack in each way someone outside the declaration can come to act as
// the writer role, and expects the extra access to name the principal, the
// action, the table and the path. The table policy is untouched in every
// case, so only the trust, function and event source evaluation can see it.
func TestPathsFindEveryoneWhoCanActAsAWriter(t *testing.T) {
	t.Parallel()
	addTrust := func(st map[string]any) func(map[string]any) {
		return func(tmpl map[string]any) { appendTrustStatement(tmpl, "Role1ABCC5F0", st) }
	}
	addResource := func(logical string, r map[string]any) func(map[string]any) {
		return func(tmpl map[string]any) { tmpl["Resources"].(map[string]any)[logical] = r }
	}
	fnRef := map[string]any{"Fn::GetAtt": []any{"WriterFunction9FC85C31", "Arn"}}
	permission := func(props map[string]any) map[string]any {
		p := map[string]any{"Action": "lambda:InvokeFunction", "FunctionName": fnRef}
		for k, v := range props {
			p[k] = v
		}
		return map[string]any{"Type": "AWS::Lambda::Permission", "Properties": p}
	}
	tests := []struct {
		name   string
		mutate func(tmpl map[string]any)
		want   []string // prefixes of differences
	}{
		{
			name: "trust policy admits another account",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}}),
			want: []string{
				"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + viaWriterRole + " for sts:AssumeRole: WriterStack/Role1ABCC5F0 AssumeRolePolicyDocument statement 1)",
				"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:PutItem on " + itemsTable + viaWriterRole,
			},
		},
		{
			name: "trust policy admits anyone",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"AWS": "*"}}),
			want: []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:PutItem on " + itemsTable + viaWriterRole},
		},
		{
			name: "trust policy admits anyone, bounded by an unknown condition key",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": "*"},
				"Condition": map[string]any{"StringEquals": map[string]any{"sts:ExternalId": "secret"}}}),
			want: []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:PutItem on " + itemsTable + viaWriterRole},
		},
		{
			name: "trust policy admits the writer account's root (any principal there with sts:AssumeRole)",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"AWS": "222222222222"}}),
			want: []string{"extra access: arn:aws:iam::222222222222:root can dynamodb:PutItem on " + itemsTable + viaWriterRole},
		},
		{
			name: "trust policy admits another role by ARN",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": []any{"sts:AssumeRole", "sts:TagSession"},
				"Principal": map[string]any{"AWS": "arn:aws:iam::444444444444:role/ci"}}),
			want: []string{"extra access: arn:aws:iam::444444444444:role/ci can dynamodb:PutItem on " + itemsTable + viaWriterRole + " for sts:AssumeRole, sts:TagSession"},
		},
		{
			name: "trust policy admits only session tagging to another account",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:TagSession",
				"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}}),
			want: []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + viaWriterRole + " for sts:TagSession"},
		},
		{
			name: "trust policy admits any action by a pattern",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:Assume*",
				"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}}),
			want: []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + viaWriterRole + " for sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity"},
		},
		{
			name: "trust policy admits another service",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"Service": "ec2.amazonaws.com"}}),
			want: []string{"extra access: ec2.amazonaws.com can dynamodb:PutItem on " + itemsTable + viaWriterRole},
		},
		{
			name: "trust policy admits the users of an identity provider",
			mutate: addTrust(map[string]any{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
				"Principal": map[string]any{"Federated": "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"},
				"Condition": map[string]any{"StringLike": map[string]any{"token.actions.githubusercontent.com:sub": "repo:example/*"}}}),
			want: []string{"extra access: federated users of arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com can dynamodb:PutItem on " + itemsTable + viaWriterRole + " for sts:AssumeRoleWithWebIdentity"},
		},
		{
			name: "the Lambda service gets more than sts:AssumeRole",
			mutate: func(tmpl map[string]any) {
				trustStatements(tmpl, "Role1ABCC5F0")[0].(map[string]any)["Action"] = []any{"sts:AssumeRole", "sts:TagSession"}
			},
			want: []string{"extra access: lambda.amazonaws.com can dynamodb:PutItem on " + itemsTable + viaWriterRole + " for sts:AssumeRole, sts:TagSession"},
		},
		{
			name:   "function permission for another account",
			mutate: addResource("Invoke", permission(map[string]any{"Principal": "333333333333"})),
			want: []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + viaWriterFn +
				" for lambda:InvokeFunction: WriterStack/Invoke Permission statement 0), which runs as role " + itemsWriter},
		},
		{
			name:   "function permission for a role of the writer's own account",
			mutate: addResource("Invoke", permission(map[string]any{"Principal": "arn:aws:iam::222222222222:role/app"})),
			want:   []string{"extra access: arn:aws:iam::222222222222:role/app can dynamodb:PutItem on " + itemsTable + viaWriterFn},
		},
		{
			name: "public function URL",
			mutate: func(tmpl map[string]any) {
				addResource("Url", map[string]any{"Type": "AWS::Lambda::Url", "Properties": map[string]any{"TargetFunctionArn": fnRef, "AuthType": "NONE"}})(tmpl)
				addResource("UrlPermission", permission(map[string]any{"Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE"}))(tmpl)
			},
			want: []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:PutItem on " + itemsTable + viaWriterFn + " for lambda:InvokeFunctionUrl"},
		},
		{
			name:   "function permission to change the function's code",
			mutate: addResource("Update", permission(map[string]any{"Action": "lambda:UpdateFunctionCode", "Principal": "arn:aws:iam::333333333333:root"})),
			want:   []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + viaWriterFn + " for lambda:UpdateFunctionCode"},
		},
		{
			name:   "function permission for a service of another account",
			mutate: addResource("FromS3", permission(map[string]any{"Principal": "s3.amazonaws.com", "SourceAccount": "333333333333"})),
			want:   []string{"extra access: s3.amazonaws.com acting for 333333333333 can dynamodb:PutItem on " + itemsTable + viaWriterFn},
		},
		{
			name: "function permission on an alias",
			mutate: func(tmpl map[string]any) {
				addResource("Live", map[string]any{"Type": "AWS::Lambda::Alias", "Properties": map[string]any{"FunctionName": map[string]any{"Ref": "WriterFunction9FC85C31"}, "Name": "live", "FunctionVersion": "1"}})(tmpl)
				addResource("Invoke", map[string]any{"Type": "AWS::Lambda::Permission", "Properties": map[string]any{
					"Action": "lambda:*", "FunctionName": map[string]any{"Ref": "Live"}, "Principal": "333333333333"}})(tmpl)
			},
			want: []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + viaWriterFn},
		},
		{
			name: "event source mapping",
			mutate: addResource("Feed", map[string]any{"Type": "AWS::Lambda::EventSourceMapping", "Properties": map[string]any{
				"FunctionName": map[string]any{"Ref": "WriterFunction9FC85C31"}, "EventSourceArn": "arn:aws:sqs:us-east-1:333333333333:jobs"}}),
			want: []string{"extra access: whoever can send to arn:aws:sqs:us-east-1:333333333333:jobs can dynamodb:PutItem on " + itemsTable +
				" via function " + writerFunction + ", which runs as role " + itemsWriter + " (event source mapping WriterStack/Feed feeds it)"},
		},
		{
			name: "a queue of the templates feeds the function, and its policy admits another account",
			mutate: func(tmpl map[string]any) {
				addResource("Jobs", map[string]any{"Type": "AWS::SQS::Queue", "Properties": map[string]any{}})(tmpl)
				addResource("JobsPolicy", map[string]any{"Type": "AWS::SQS::QueuePolicy", "Properties": map[string]any{
					"Queues": []any{map[string]any{"Ref": "Jobs"}},
					"PolicyDocument": map[string]any{"Statement": []any{
						map[string]any{"Effect": "Deny", "Action": "sqs:*", "Principal": map[string]any{"AWS": "*"}, "Resource": map[string]any{"Fn::GetAtt": []any{"Jobs", "Arn"}},
							"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}},
						map[string]any{"Effect": "Allow", "Action": "sqs:SendMessage", "Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}, "Resource": map[string]any{"Fn::GetAtt": []any{"Jobs", "Arn"}}},
					}}}})(tmpl)
				addResource("Feed", map[string]any{"Type": "AWS::Lambda::EventSourceMapping", "Properties": map[string]any{
					"FunctionName": map[string]any{"Ref": "WriterFunction9FC85C31"}, "EventSourceArn": map[string]any{"Fn::GetAtt": []any{"Jobs", "Arn"}}}})(tmpl)
			},
			want: []string{
				"extra access: whoever can send to arn:aws:sqs:us-east-1:222222222222:{WriterStack/Jobs.QueueName} can dynamodb:PutItem on " + itemsTable,
				"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + " via queue WriterStack/Jobs (its resource policy admits it for sqs:SendMessage: WriterStack/JobsPolicy PolicyDocument statement 1), which feeds function " + writerFunction,
			},
		},
		{
			name: "a role of the writer's account that may send to the feeding queue, trusted by another account",
			mutate: func(tmpl map[string]any) {
				addResource("Jobs", map[string]any{"Type": "AWS::SQS::Queue", "Properties": map[string]any{"QueueName": "jobs"}})(tmpl)
				addResource("Feed", map[string]any{"Type": "AWS::Lambda::EventSourceMapping", "Properties": map[string]any{
					"FunctionName": map[string]any{"Ref": "WriterFunction9FC85C31"}, "EventSourceArn": map[string]any{"Fn::GetAtt": []any{"Jobs", "Arn"}}}})(tmpl)
				addResource("Producer", map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"RoleName": "producer",
					"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
						"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}}}},
					"Policies": []any{map[string]any{"PolicyName": "send", "PolicyDocument": map[string]any{"Statement": []any{map[string]any{
						"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": map[string]any{"Fn::GetAtt": []any{"Jobs", "Arn"}}}}}}}}})(tmpl)
			},
			want: []string{
				"extra access: arn:aws:iam::222222222222:role/producer can dynamodb:PutItem on " + itemsTable + " via queue WriterStack/Jobs (its identity policy allows it sqs:SendMessage: WriterStack/Producer Policies[0] statement 0), which feeds function " + writerFunction,
				"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + " via role arn:aws:iam::222222222222:role/producer (its trust policy admits it for sts:AssumeRole: WriterStack/Producer AssumeRolePolicyDocument statement 0), then queue WriterStack/Jobs",
			},
		},
		{
			name: "a second function runs as the writer role",
			mutate: func(tmpl map[string]any) {
				addResource("Other", map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
					"FunctionName": "other", "Role": map[string]any{"Fn::GetAtt": []any{"Role1ABCC5F0", "Arn"}}}})(tmpl)
				addResource("Invoke", map[string]any{"Type": "AWS::Lambda::Permission", "Properties": map[string]any{
					"Action": "lambda:InvokeFunction", "FunctionName": "other", "Principal": "333333333333"}})(tmpl)
			},
			want: []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + " via function WriterStack/Other (its resource policy admits it"},
		},
		{
			name: "a role chain: another role may assume the writer, and another account that role",
			mutate: func(tmpl map[string]any) {
				addResource("Hop", map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"RoleName": "hop",
					"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
						"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}}}}}})(tmpl)
				appendTrustStatement(tmpl, "Role1ABCC5F0", map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
					"Principal": map[string]any{"AWS": map[string]any{"Fn::GetAtt": []any{"Hop", "Arn"}}}})
			},
			want: []string{
				"extra access: arn:aws:iam::222222222222:role/hop can dynamodb:PutItem on " + itemsTable + viaWriterRole,
				"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + " via role arn:aws:iam::222222222222:role/hop (its trust policy admits it for sts:AssumeRole: WriterStack/Hop AssumeRolePolicyDocument statement 0), then role " + itemsWriter,
			},
		},
		{
			name: "a role of the writer's account whose identity policy invokes the function, trusted by another account",
			mutate: func(tmpl map[string]any) {
				addResource("Invoker", map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"RoleName": "invoker",
					"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
						"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}}}},
					"Policies": []any{map[string]any{"PolicyName": "invoke", "PolicyDocument": map[string]any{"Statement": []any{map[string]any{
						"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fnRef}}}}}}})(tmpl)
			},
			want: []string{
				"extra access: arn:aws:iam::222222222222:role/invoker can dynamodb:PutItem on " + itemsTable + " via function " + writerFunction + " (its identity policy allows it lambda:InvokeFunction: WriterStack/Invoker Policies[0] statement 0), which runs as role " + itemsWriter,
				"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + " via role arn:aws:iam::222222222222:role/invoker (its trust policy admits it for sts:AssumeRole: WriterStack/Invoker AssumeRolePolicyDocument statement 0), then function " + writerFunction,
			},
		},
		{
			name: "a function that the writer's trust lets act as it, invoked by another account",
			mutate: func(tmpl map[string]any) {
				addResource("Hop", map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"RoleName": "hop",
					"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
						"Principal": map[string]any{"Service": "lambda.amazonaws.com"}}}}}})(tmpl)
				addResource("HopFunction", map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
					"Role": map[string]any{"Fn::GetAtt": []any{"Hop", "Arn"}}}})(tmpl)
				addResource("Invoke", map[string]any{"Type": "AWS::Lambda::Permission", "Properties": map[string]any{
					"Action": "lambda:InvokeFunction", "FunctionName": map[string]any{"Ref": "HopFunction"}, "Principal": "333333333333"}})(tmpl)
				appendTrustStatement(tmpl, "Role1ABCC5F0", map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
					"Principal": map[string]any{"AWS": map[string]any{"Fn::GetAtt": []any{"Hop", "Arn"}}}})
			},
			want: []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + itemsTable + " via function WriterStack/HopFunction (its resource policy admits it for lambda:InvokeFunction: WriterStack/Invoke Permission statement 0), which runs as role arn:aws:iam::222222222222:role/hop, then role " + itemsWriter},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := Check(collectDir(t, mutatedAssembly(t, testAssembly, "WriterStack", tc.mutate)), itemsGrant)
			wantFailure(t, x, tc.want)
		})
	}
}

// TestNestedStacksAreRead puts a role with access to the table into a
// nested stack of the table's stack: the check reads its template from the
// cloud assembly, and refuses the nested stack when the template is not
// there.
func TestNestedStacksAreRead(t *testing.T) {
	t.Parallel()
	nested := `{"Resources":{"Reader":{"Type":"AWS::IAM::Role","Properties":{"RoleName":"nested-reader",
		"AssumeRolePolicyDocument":{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::333333333333:root"}}]},
		"Policies":[{"PolicyName":"read","PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"` + itemsTable + `"}]}}]}}}}`
	dir := mutatedAssembly(t, testAssembly, "TableStack", func(tmpl map[string]any) {
		tmpl["Resources"].(map[string]any)["Inner"] = map[string]any{"Type": "AWS::CloudFormation::Stack",
			"Properties": map[string]any{"TemplateURL": "https://example.com/inner.json"},
			"Metadata":   map[string]any{"aws:asset:path": "TableStackInner.nested.template.json"}}
	})
	if err := os.WriteFile(filepath.Join(dir, "TableStackInner.nested.template.json"), []byte(nested), 0o644); err != nil {
		t.Fatal(err)
	}
	x := Check(collectDir(t, dir), itemsGrant)
	wantFailure(t, x, []string{
		"extra access: arn:aws:iam::111111111111:role/nested-reader can dynamodb:GetItem on " + itemsTable + ", allowed by identity TableStack/Inner/Reader",
		"extra access: arn:aws:iam::333333333333:root can dynamodb:GetItem on " + itemsTable + " via role arn:aws:iam::111111111111:role/nested-reader (its trust policy admits it for sts:AssumeRole: TableStack/Inner/Reader AssumeRolePolicyDocument statement 0)",
	})

	if err := os.Remove(filepath.Join(dir, "TableStackInner.nested.template.json")); err != nil {
		t.Fatal(err)
	}
	templates, err := loadAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Collect(templates)
	if want := "TableStack/Inner: AWS::CloudFormation::Stack is a nested stack whose template is not in the cloud assembly"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Collect error = %v, want %q", err, want)
	}
}

// TestResourcesThatMayGrantAccessFailClosed adds a resource of each kind
// that can carry a policy or a principal and that the check does not read:
// Collect refuses each one, naming it.
func TestResourcesThatMayGrantAccessFailClosed(t *testing.T) {
	t.Parallel()
	for typ, why := range map[string]string{
		"AWS::IAM::User":                         "not supported",
		"AWS::IAM::OIDCProvider":                 "is a resource of IAM the check does not read",
		"AWS::KMS::ReplicaKey":                   "is a resource of KMS the check does not read",
		"AWS::DynamoDB::Stream":                  "is a resource of DynamoDB the check does not read",
		"AWS::Lambda::LayerVersionPermission":    "is a resource of Lambda the check does not read",
		"AWS::S3::BucketPolicy":                  "is a policy the check does not read",
		"AWS::SecretsManager::ResourcePolicy":    "is a policy the check does not read",
		"AWS::CloudFormation::Stack":             "is a nested stack whose template is not in the cloud assembly",
		"Custom::PutResourcePolicy":              "runs code at deploy time",
		"AWS::CloudFormation::CustomResource":    "runs code at deploy time",
		"AWS::Events::EventBusPolicy":            "is a policy the check does not read",
		"AWS::ApiGateway::RestApi":               "",
		"AWS::Lambda::EventInvokeConfig":         "",
		"AWS::CloudWatch::CompositeAlarm":        "",
		"AWS::Cognito::IdentityPoolPrincipalTag": "",
	} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			dir := mutatedAssembly(t, testAssembly, "WriterStack", func(tmpl map[string]any) {
				tmpl["Resources"].(map[string]any)["Added"] = map[string]any{"Type": typ, "Properties": map[string]any{}}
			})
			templates, err := loadAssembly(dir)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Collect(templates)
			if why == "" {
				if err != nil {
					t.Errorf("Collect error = %v, want none: %s cannot reach the table", err, typ)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "WriterStack/Added") || !strings.Contains(err.Error(), why) {
				t.Errorf("Collect error = %v, want it to name WriterStack/Added and say %q", err, why)
			}
		})
	}
}

// TestRoleWithAccessAndUnknownTrustFailsClosed attaches a table grant to
// a role that only a policy names: who can act as it is not known.
func TestRoleWithAccessAndUnknownTrustFailsClosed(t *testing.T) {
	t.Parallel()
	dir := mutatedAssembly(t, testAssembly, "TableStack", func(tmpl map[string]any) {
		tmpl["Resources"].(map[string]any)["External"] = map[string]any{"Type": "AWS::IAM::Policy", "Properties": map[string]any{
			"PolicyName": "external", "Roles": []any{"made-elsewhere"},
			"PolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": itemsTable}}}}}
	})
	x := Check(collectDir(t, dir), itemsGrant)
	want := "role arn:aws:iam::111111111111:role/made-elsewhere can dynamodb:GetItem on " + itemsTable + ", but its trust policy is not known"
	if len(x.Unknown) != 1 || !strings.HasPrefix(x.Unknown[0], want) {
		t.Errorf("Unknown = %q, want one starting %q", x.Unknown, want)
	}
	var out bytes.Buffer
	if err := x.Print(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "CANNOT CHECK: "+want) {
		t.Errorf("printout lacks CANNOT CHECK line:\n%s", tail(out.String(), 20))
	}
}

// TestDeclaredPathIsTheLambdaService checks that the unchanged assembly
// shows the Lambda service's trust as how the writer's function acts, and
// reports no extra access for it.
func TestDeclaredPathIsTheLambdaService(t *testing.T) {
	t.Parallel()
	x := Check(collectDir(t, testAssembly), itemsGrant)
	if len(x.Differences) != 0 || len(x.Unknown) != 0 {
		t.Fatalf("differences %v, unknown %v; want none", x.Differences, x.Unknown)
	}
	if len(x.Paths) != 1 || !x.Paths[0].Declared || x.Paths[0].Principal != "lambda.amazonaws.com" || x.Paths[0].Role != itemsWriter {
		t.Errorf("paths = %+v, want the Lambda service's declared trust on %s only", x.Paths, itemsWriter)
	}
}

func trustStatements(tmpl map[string]any, role string) []any {
	doc := tmpl["Resources"].(map[string]any)[role].(map[string]any)["Properties"].(map[string]any)["AssumeRolePolicyDocument"].(map[string]any)
	return doc["Statement"].([]any)
}

func appendTrustStatement(tmpl map[string]any, role string, st map[string]any) {
	doc := tmpl["Resources"].(map[string]any)[role].(map[string]any)["Properties"].(map[string]any)["AssumeRolePolicyDocument"].(map[string]any)
	doc["Statement"] = append(doc["Statement"].([]any), st)
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
