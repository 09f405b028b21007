package access

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
)

const (
	itemsTable   = "arn:aws:dynamodb:us-east-1:111111111111:table/items"
	itemsWriter  = "arn:aws:iam::222222222222:role/items-writer"
	probeTableA  = "arn:aws:dynamodb:us-east-1:111111111111:table/access-check-probe-table"
	probeTableB  = "arn:aws:dynamodb:us-east-1:222222222222:table/access-check-probe-table"
	itemsIndex   = itemsTable + "/index/access-check-probe-index"
	testAssembly = "testdata/assembly"
)

var itemsGrant = []config.Grant{{Account: "222222222222", Partition: "aws", RoleArn: itemsWriter, Actions: []string{"dynamodb:PutItem"}, TableArn: itemsTable}}

func TestLoadAssembly(t *testing.T) {
	t.Parallel()
	templates, err := loadAssembly(testAssembly)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tm := range templates {
		got = append(got, tm.Stack+"@"+tm.Account+"/"+tm.Region+"/"+tm.Partition)
	}
	want := []string{
		"TableStack@111111111111/us-east-1/aws",
		"WriterStack@222222222222/us-east-1/aws",
		"StageAuditStack@333333333333/cn-north-1/aws-cn",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("stacks = %v, want %v", got, want)
	}
	if _, err := LoadAssembly(testAssembly, nil); err == nil {
		t.Error("LoadAssembly without a partition lookup: no error")
	}
}

// TestLoadAssemblyTakesPartitionsFromItsCaller checks that the partition of
// a stack's region comes from the caller's lookup, never from a guess on the
// region's name.
func TestLoadAssemblyTakesPartitionsFromItsCaller(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region  string
		want    string // the table's ARN
		wantErr string
	}{
		{region: "us-east-1", want: "arn:aws:dynamodb:us-east-1:111111111111:table/t"},
		{region: "cn-north-1", want: "arn:aws-cn:dynamodb:cn-north-1:111111111111:table/t"},
		{region: "us-gov-west-1", want: "arn:aws-us-gov:dynamodb:us-gov-west-1:111111111111:table/t"},
		{region: "us-iso-east-1", want: "arn:aws-iso:dynamodb:us-iso-east-1:111111111111:table/t"},
		{region: "us-isob-east-1", want: "arn:aws-iso-b:dynamodb:us-isob-east-1:111111111111:table/t"},
		{region: "xx-nowhere-1", wantErr: `manifest artifact "S": region "xx-nowhere-1": partition unknown`},
	}
	for _, tc := range tests {
		t.Run(tc.region, func(t *testing.T) {
			dir := t.TempDir()
			manifest := `{"artifacts":{"S":{"type":"aws:cloudformation:stack","environment":"aws://111111111111/` + tc.region + `","properties":{"templateFile":"S.template.json"}}}}`
			template := `{"Resources":{"T":{"Type":"AWS::DynamoDB::GlobalTable","Properties":{"TableName":"t","Replicas":[{"Region":{"Ref":"AWS::Region"},
				"ResourcePolicy":{"PolicyDocument":{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*",
				"Principal":{"AWS":{"Fn::Sub":"arn:${AWS::Partition}:iam::222222222222:root"}}}]}}}]}}}}`
			for name, data := range map[string]string{"manifest.json": manifest, "S.template.json": template} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			templates, err := loadAssembly(dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("LoadAssembly error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := Collect(templates)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Tables) != 1 || m.Tables[0].Arn != tc.want {
				t.Fatalf("%d tables, first %q; want one, %s", len(m.Tables), m.Tables[0].Arn, tc.want)
			}
			if got := m.Tables[0].Policy[0].Principals[0].partition; got != arns.Partition(tc.want) {
				t.Errorf("AWS::Partition in the table policy = %q, want %q", got, arns.Partition(tc.want))
			}
		})
	}
}

func TestLoadTemplatesWithoutManifestHaveNoEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyFile(t, filepath.Join(testAssembly, "TableStack.template.json"), filepath.Join(dir, "TableStack.template.json"))
	templates, err := loadAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(templates) != 1 || templates[0].Stack != "TableStack" || templates[0].Account != "" {
		t.Fatalf("got %+v, want one environment-agnostic TableStack", templates)
	}
	_, err = Collect(templates)
	if err == nil || !strings.Contains(err.Error(), "AWS::Region is unknown: stack TableStack has no account and region") {
		t.Errorf("Collect error = %v, want it to say the region is unknown", err)
	}
}

func TestCollect(t *testing.T) {
	t.Parallel()
	m := collectDir(t, testAssembly)
	if len(m.Tables) != 1 || m.Tables[0].Arn != itemsTable || len(m.Tables[0].Policy) != 1 {
		t.Fatalf("tables = %+v, want %s with a one-statement policy", m.Tables, itemsTable)
	}
	var writer *Role
	for _, r := range m.Roles {
		if r.Arn == itemsWriter {
			writer = r
		}
	}
	if writer == nil || len(writer.Statements) != 3 {
		t.Fatalf("roles = %+v, want %s with 3 statements", m.Roles, itemsWriter)
	}
	// An ARN that exists only once deployed stays opaque: it matches itself
	// and nothing else, and is never a wildcard.
	if got := writer.Statements[1].Resources[0]; got != "{WriterStack/LogGroupF5B46931.Arn}" {
		t.Errorf("log group ARN = %q, want an opaque token", got)
	}
	if got := m.Tables[0].Policy[0].Principals[0].account; got != "222222222222" {
		t.Errorf("Fn::Join principal resolved to account %q, want 222222222222", got)
	}
	audit := m.Roles[0]
	if !strings.HasPrefix(audit.Arn, "arn:aws-cn:iam::333333333333:role/{") || len(audit.Statements) != 1 {
		t.Errorf("audit role = %+v, want an opaque aws-cn ARN with the AWS managed policy's statement", audit)
	}
}

func TestCheckAllowsExactlyTheDeclaredGrant(t *testing.T) {
	t.Parallel()
	x := Check(collectDir(t, testAssembly), itemsGrant)
	if len(x.Differences) != 0 {
		t.Fatalf("differences: %v", x.Differences)
	}
	allowed := allowedCells(x)
	if want := []string{itemsWriter + " dynamodb:PutItem " + itemsTable}; strings.Join(allowed, "\n") != strings.Join(want, "\n") {
		t.Errorf("allowed cells = %q, want only %q", allowed, want)
	}
	var out bytes.Buffer
	if err := x.Print(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"OK: the allowed cells are exactly the 1 declared",
		"dynamodb:PutItem allowed by identity WriterStack/RoleDefaultPolicy5FFB7DAB PolicyDocument statement 0 (Sid \"WriteTable\") + table policy TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 0 (Sid \"Writer\")",
		"probe: root user of 222222222222",
		"  Indexes of this table (probe index access-check-probe-index): every action denied to [",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed matrix lacks %q:\n%s", want, out.String())
		}
	}
}

// A declared writer without a role in the model is labelled with where the
// roles were read: the templates, or the live accounts for verify.
func TestWriterWithoutARoleNamesTheSource(t *testing.T) {
	t.Parallel()
	for source, want := range map[string]string{"": "declared writer, not in the templates", "the deployed accounts": "declared writer, not in the deployed accounts"} {
		m := collectDir(t, testAssembly)
		m.Roles, m.Source = nil, source
		var out bytes.Buffer
		if err := Check(m, itemsGrant).Print(&out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), itemsWriter+" ") || !strings.Contains(out.String(), want) {
			t.Errorf("source %q: matrix lacks %q for %s:\n%s", source, want, itemsWriter, out.String())
		}
	}
}

// TestCheckFindsBrokenTemplates breaks the templates the way a careless edit
// would, and expects the check to name the access that appears or vanishes.
func TestCheckFindsBrokenTemplates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stack  string
		mutate func(tmpl map[string]any)
		want   []string
	}{
		{
			name:  "table policy without the ARN condition lets the whole writer account in",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				delete(tablePolicyStatement(tmpl), "Condition")
			},
			want: []string{
				"extra access: arn:aws:iam::222222222222:root can dynamodb:PutItem on " + itemsTable,
				"extra access: arn:aws:iam::222222222222:role/access-check-admin can dynamodb:PutItem on " + itemsTable,
			},
		},
		{
			name:  "identity policy on every resource reaches other tables",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				identityStatement(tmpl)["Resource"] = "*"
			},
			want: []string{
				"extra access: " + itemsWriter + " can dynamodb:PutItem on " + probeTableB,
				"extra access: " + itemsWriter + " can dynamodb:PutItem on " + probeTableA,
			},
		},
		{
			name:  "dynamodb:* in the table policy",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				tablePolicyStatement(tmpl)["Action"] = "dynamodb:*"
			},
			// The identity policy still allows PutItem only, so nothing more
			// gets through today; the one-sided grant is still reported.
			want: []string{
				"extra access: the table policy alone allows " + itemsWriter + " to dynamodb:DeleteTable on " + itemsTable + ` (TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 0 (Sid "Writer") by Action "dynamodb:*")`,
			},
		},
		{
			name:  "dynamodb:* on both sides",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				tablePolicyStatement(tmpl)["Action"] = "dynamodb:*"
			},
			want: []string{
				"extra access: " + itemsWriter + " can dynamodb:DeleteTable on " + itemsTable,
				"extra access: " + itemsWriter + " can dynamodb:PutResourcePolicy on " + itemsTable,
			},
		},
		{
			name:  "table policy grants Query on the indexes to the writer account without a condition",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, map[string]any{
					"Sid": "Indexes", "Effect": "Allow", "Action": "dynamodb:Query",
					"Resource":  itemsTable + "/index/*",
					"Principal": map[string]any{"AWS": "arn:aws:iam::222222222222:root"},
				})
			},
			want: []string{
				"extra access: arn:aws:iam::222222222222:root can dynamodb:Query on " + itemsIndex,
				"extra access: arn:aws:iam::222222222222:role/access-check-admin can dynamodb:Query on " + itemsIndex,
			},
		},
		{
			// The table policy's "*" covers the indexes; once the identity
			// policy names them too, the writer reaches them with its
			// declared action, which is declared on the table only.
			name:  "identity policy names the table's indexes",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				identityStatement(tmpl)["Resource"] = []any{itemsTable, itemsTable + "/index/*"}
			},
			want: []string{
				"extra access: " + itemsWriter + " can dynamodb:PutItem on " + itemsIndex,
			},
		},
		{
			name:  "identity policy statement removed",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				doc := tmpl["Resources"].(map[string]any)["RoleDefaultPolicy5FFB7DAB"].(map[string]any)["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
				doc["Statement"] = doc["Statement"].([]any)[1:]
			},
			want: []string{
				"missing access: " + itemsWriter + " cannot dynamodb:PutItem on " + itemsTable + ": the table policy allows it (TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 0 (Sid \"Writer\")) but no identity policy does",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := mutatedAssembly(t, testAssembly, tc.stack, tc.mutate)
			if tc.name == "dynamodb:* on both sides" {
				dir = mutatedAssembly(t, dir, "WriterStack", func(tmpl map[string]any) {
					identityStatement(tmpl)["Action"] = "dynamodb:*"
				})
			}
			wantFailure(t, Check(collectDir(t, dir), itemsGrant), tc.want)
		})
	}
}

// TestCheckDecides checks single cells of the matrix for templates that
// users commonly write around the app's own resources.
func TestCheckDecides(t *testing.T) {
	t.Parallel()
	const unnamedReader = "arn:aws:iam::111111111111:role/{TableStack/ReaderRole.RoleName}"
	tests := []struct {
		name                     string
		stack                    string
		mutate                   func(tmpl map[string]any)
		principal, action, table string
		wantAllowed              bool
		wantWhy                  string // part of the reason for a denial
	}{
		{
			name:  "a Deny naming a role without RoleName by Fn::GetAtt applies to that role",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				addUnnamedReader(tmpl)
				appendTablePolicyStatement(tmpl, map[string]any{
					"Sid": "NotTheReader", "Effect": "Deny", "Action": "dynamodb:*", "Resource": "*", "Principal": "*",
					"Condition": map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": map[string]any{"Fn::GetAtt": []any{"ReaderRole", "Arn"}}}},
				})
			},
			principal: unnamedReader, action: "dynamodb:GetItem", table: itemsTable,
			wantWhy: `explicitly denied by TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 1 (Sid "NotTheReader")`,
		},
		{
			name:      "the writer's identity policy names the table, not its indexes",
			stack:     "TableStack",
			mutate:    func(map[string]any) {},
			principal: itemsWriter, action: "dynamodb:PutItem", table: itemsIndex,
			wantWhy: `the table policy allows it (TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 0 (Sid "Writer")) but no identity policy does`,
		},
		{
			name:  "a permissions boundary of AWS::NoValue is no boundary",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				role := tmpl["Resources"].(map[string]any)["Role1ABCC5F0"].(map[string]any)["Properties"].(map[string]any)
				role["PermissionsBoundary"] = map[string]any{"Ref": "AWS::NoValue"}
			},
			principal: itemsWriter, action: "dynamodb:PutItem", table: itemsTable,
			wantAllowed: true,
		},
		{
			name:      "without that Deny, the role without RoleName is allowed by its identity policy",
			stack:     "TableStack",
			mutate:    addUnnamedReader,
			principal: unnamedReader, action: "dynamodb:GetItem", table: itemsTable,
			wantAllowed: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := Check(collectDir(t, mutatedAssembly(t, testAssembly, tc.stack, tc.mutate)), itemsGrant)
			d, ok := cell(x, tc.principal, tc.action, tc.table)
			if !ok {
				t.Fatalf("the matrix has no cell (%s, %s, %s)", tc.principal, tc.action, tc.table)
			}
			if d.Allowed != tc.wantAllowed {
				t.Fatalf("allowed = %v, want %v (decision %+v)", d.Allowed, tc.wantAllowed, d)
			}
			if why := d.why("table policy"); !d.Allowed && !strings.Contains(why, tc.wantWhy) {
				t.Errorf("denied because %q, want it to contain %q", why, tc.wantWhy)
			}
		})
	}
}

// addUnnamedReader adds to the table's stack a role without RoleName whose
// identity policy allows it dynamodb:* on the table.
func addUnnamedReader(tmpl map[string]any) {
	res := tmpl["Resources"].(map[string]any)
	res["ReaderRole"] = map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{
		"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}}}},
	}}
	res["ReaderPolicy"] = map[string]any{"Type": "AWS::IAM::Policy", "Properties": map[string]any{
		"PolicyName": "reader",
		"Roles":      []any{map[string]any{"Ref": "ReaderRole"}},
		"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "dynamodb:*", "Resource": map[string]any{"Fn::GetAtt": []any{"TableCD117FA1", "Arn"}},
		}}},
	}}
}

func appendTablePolicyStatement(tmpl map[string]any, st map[string]any) {
	table := tmpl["Resources"].(map[string]any)["TableCD117FA1"].(map[string]any)["Properties"].(map[string]any)
	doc := table["Replicas"].([]any)[0].(map[string]any)["ResourcePolicy"].(map[string]any)["PolicyDocument"].(map[string]any)
	doc["Statement"] = append(doc["Statement"].([]any), st)
}

// cell finds the decision for one (principal, action, table or probe
// index) triple.
func cell(x *Matrix, principal, action, resource string) (Decision, bool) {
	for ti, tb := range x.Tables {
		for si, s := range x.Subjects {
			for ai, a := range x.Actions {
				if s.Arn != principal || a != action {
					continue
				}
				switch resource {
				case tb.Arn:
					return x.Cells[ti][si][ai], true
				case IndexArn(tb.Arn):
					return x.IndexCells[ti][si][ai], true
				}
			}
		}
	}
	return Decision{}, false
}

func TestCollectRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stack  string
		mutate func(tmpl map[string]any)
		want   string
	}{
		{
			name:  "unknown condition key in the table policy",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				tablePolicyStatement(tmpl)["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:SourceVpc": "vpc-1"}}
			},
			want: `TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 0 (Sid "Writer"): Condition.StringEquals: condition key "aws:SourceVpc" is not supported`,
		},
		{
			name:  "unresolvable intrinsic in an identity policy",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				identityStatement(tmpl)["Resource"] = map[string]any{"Fn::ImportValue": "TableArn"}
			},
			want: `WriterStack/RoleDefaultPolicy5FFB7DAB PolicyDocument.Statement[0].Resource.Fn::ImportValue: intrinsic function Fn::ImportValue cannot be resolved offline`,
		},
		{
			name:  "reference to a parameter",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				identityStatement(tmpl)["Resource"] = map[string]any{"Ref": "BootstrapVersion"}
				tmpl["Parameters"] = map[string]any{"BootstrapVersion": map[string]any{"Type": "String"}}
			},
			want: `refers to parameter "BootstrapVersion", whose value is not known offline`,
		},
		{
			name:  "NotPrincipal in the table policy",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				st := tablePolicyStatement(tmpl)
				st["NotPrincipal"] = st["Principal"]
				delete(st, "Principal")
			},
			want: `TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 0 (Sid "Writer"): NotPrincipal is not supported`,
		},
		{
			name:  "table without a name",
			stack: "TableStack",
			mutate: func(tmpl map[string]any) {
				delete(tmpl["Resources"].(map[string]any)["TableCD117FA1"].(map[string]any)["Properties"].(map[string]any), "TableName")
			},
			want: `table TableStack/TableCD117FA1 has no TableName`,
		},
		{
			name:  "managed policy whose content is unknown",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				role := tmpl["Resources"].(map[string]any)["Role1ABCC5F0"].(map[string]any)["Properties"].(map[string]any)
				role["ManagedPolicyArns"] = []any{"arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"}
			},
			want: `WriterStack/Role1ABCC5F0 ManagedPolicyArns: AWS managed policy "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" is not known to the check`,
		},
		{
			name:  "permissions boundary on a role",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				role := tmpl["Resources"].(map[string]any)["Role1ABCC5F0"].(map[string]any)["Properties"].(map[string]any)
				role["PermissionsBoundary"] = "arn:aws:iam::222222222222:policy/boundary"
			},
			want: `WriterStack/Role1ABCC5F0 PermissionsBoundary: role arn:aws:iam::222222222222:role/items-writer has a permissions boundary, which the check does not evaluate`,
		},
		{
			name:  "role property the check does not know",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				role := tmpl["Resources"].(map[string]any)["Role1ABCC5F0"].(map[string]any)["Properties"].(map[string]any)
				role["SessionPolicy"] = map[string]any{}
			},
			want: `WriterStack/Role1ABCC5F0 SessionPolicy: role arn:aws:iam::222222222222:role/items-writer has a property the check does not know, so its effect on the role's permissions cannot be checked`,
		},
		{
			name:  "policy attached to a user",
			stack: "WriterStack",
			mutate: func(tmpl map[string]any) {
				p := tmpl["Resources"].(map[string]any)["RoleDefaultPolicy5FFB7DAB"].(map[string]any)["Properties"].(map[string]any)
				p["Users"] = []any{"alice"}
			},
			want: `WriterStack/RoleDefaultPolicy5FFB7DAB Users: policies attached to IAM users or groups are not supported`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			templates, err := loadAssembly(mutatedAssembly(t, testAssembly, tc.stack, tc.mutate))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Collect(templates)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Collect error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	tm, err := ParseTemplate("S", []byte(`{"Resources":{
		"Role":{"Type":"AWS::IAM::Role","Properties":{"RoleName":"r","Path":"/app/"}},
		"Unnamed":{"Type":"AWS::IAM::Role","Properties":{}},
		"Table":{"Type":"AWS::DynamoDB::Table","Properties":{"TableName":"t"}},
		"Queue":{"Type":"AWS::SQS::Queue"}},
		"Parameters":{"P":{"Type":"String"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	tm.Account, tm.Region, tm.Partition = "111111111111", "us-gov-west-1", "aws-us-gov"
	tests := []struct {
		in, want string
	}{
		{`{"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}"}`, `"arn:aws-us-gov:iam::111111111111:role/r"`},
		{`{"Fn::GetAtt":"Role.Arn"}`, `"arn:aws-us-gov:iam::111111111111:role/app/r"`},
		// A role without RoleName gets the same ARN it is evaluated as, so
		// that a condition naming it matches it.
		{`{"Fn::GetAtt":["Unnamed","Arn"]}`, `"arn:aws-us-gov:iam::111111111111:role/{S/Unnamed.RoleName}"`},
		{`{"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Unnamed}"}`, `"arn:aws-us-gov:iam::111111111111:role/{S/Unnamed.RoleName}"`},
		{`{"Fn::GetAtt":["Table","Arn"]}`, `"arn:aws-us-gov:dynamodb:us-gov-west-1:111111111111:table/t"`},
		{`{"Fn::GetAtt":["Queue","Arn"]}`, `"arn:aws-us-gov:sqs:us-gov-west-1:111111111111:{S/Queue.QueueName}"`},
		{`{"Fn::Sub":["${X}/${!Literal}/${Queue.Arn}",{"X":{"Ref":"Table"}}]}`, `"t/${Literal}/arn:aws-us-gov:sqs:us-gov-west-1:111111111111:{S/Queue.QueueName}"`},
		{`{"Fn::Select":[1,{"Fn::Split":[":","a:b:c"]}]}`, `"b"`},
		{`{"Ref":"AWS::URLSuffix"}`, `"amazonaws.com"`},
		{`["a",{"Ref":"AWS::NoValue"},"b"]`, `["a","b"]`},
	}
	for _, tc := range tests {
		var v any
		if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
			t.Fatal(err)
		}
		got, err := tm.resolve(v, "X")
		if err != nil {
			t.Errorf("resolve(%s): %v", tc.in, err)
			continue
		}
		b, _ := json.Marshal(got)
		if string(b) != tc.want {
			t.Errorf("resolve(%s) = %s, want %s", tc.in, b, tc.want)
		}
	}
	tm.Resources["Loop"] = Resource{Type: "AWS::IAM::Role", Properties: map[string]any{"RoleName": "l", "Path": map[string]any{"Fn::GetAtt": []any{"Loop", "Arn"}}}}
	for _, in := range []string{`{"Fn::GetAtt":["Loop","Arn"]}`, `{"Ref":"P"}`, `{"Ref":"Missing"}`, `{"Fn::If":["C","a","b"]}`, `{"Fn::GetAtt":["Missing","Arn"]}`, `{"Ref":"AWS::NotificationARNs"}`} {
		var v any
		_ = json.Unmarshal([]byte(in), &v)
		if got, err := tm.resolve(v, "X"); err == nil {
			t.Errorf("resolve(%s) = %v, want an error", in, got)
		}
	}
}

// testPartitions are the partitions of the regions the tests use, as
// aws-cdk-lib's region facts give them.
var testPartitions = map[string]string{
	"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov",
	"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b",
}

// loadAssembly loads with the partitions of the test regions.
func loadAssembly(dir string) ([]*Template, error) {
	return LoadAssembly(dir, func(region string) string { return testPartitions[region] })
}

func collectDir(t *testing.T, dir string) *Model {
	t.Helper()
	templates, err := loadAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Collect(templates)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// allowedCells lists the allowed cells of the tables and of their indexes.
func allowedCells(x *Matrix) []string {
	var out []string
	for ti, tb := range x.Tables {
		for si, s := range x.Subjects {
			for ai, a := range x.Actions {
				if x.Cells[ti][si][ai].Allowed {
					out = append(out, s.Arn+" "+a+" "+tb.Arn)
				}
				if x.IndexCells[ti][si][ai].Allowed {
					out = append(out, s.Arn+" "+a+" "+IndexArn(tb.Arn))
				}
			}
		}
	}
	return out
}

// wantFailure checks that x has a difference starting with each of want and
// that its printout says FAIL.
func wantFailure(t *testing.T, x *Matrix, want []string) {
	t.Helper()
	var got []string
	for _, d := range x.Differences {
		got = append(got, d.String())
	}
	for _, w := range want {
		if !containsPrefix(got, w) {
			t.Errorf("differences lack %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
	var out bytes.Buffer
	if err := x.Print(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "FAIL: ") {
		t.Errorf("printed matrix does not say FAIL:\n%s", out.String())
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func tablePolicyStatement(tmpl map[string]any) map[string]any {
	table := tmpl["Resources"].(map[string]any)["TableCD117FA1"].(map[string]any)["Properties"].(map[string]any)
	replica := table["Replicas"].([]any)[0].(map[string]any)
	return replica["ResourcePolicy"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any)[0].(map[string]any)
}

func identityStatement(tmpl map[string]any) map[string]any {
	p := tmpl["Resources"].(map[string]any)["RoleDefaultPolicy5FFB7DAB"].(map[string]any)["Properties"].(map[string]any)
	return p["PolicyDocument"].(map[string]any)["Statement"].([]any)[0].(map[string]any)
}

// mutatedAssembly copies the cloud assembly in src to a temporary directory
// and rewrites one stack's template with mutate.
func mutatedAssembly(t *testing.T, src, stack string, mutate func(map[string]any)) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		copyFile(t, path, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dst, stack+".template.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]any
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	mutate(tmpl)
	if data, err = json.Marshal(tmpl); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
