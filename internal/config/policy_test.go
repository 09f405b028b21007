package config

import (
	"fmt"
	"strings"
	"testing"
)

// writersJSON returns n writers in account 222222222222 whose role names are
// roleLen characters long.
func writersJSON(n, roleLen int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		role := fmt.Sprintf("r%d-", i)
		role += strings.Repeat("x", roleLen-len(role))
		fmt.Fprintf(&b, `{"name":"W%d","account":"222222222222","roleName":%q,"actions":["dynamodb:PutItem","dynamodb:GetItem"]}`, i, role)
	}
	b.WriteString("]")
	return b.String()
}

func TestTablePolicySizeLimit(t *testing.T) {
	t.Parallel()
	// GIVEN as many writers with long role names as fit in 20 KB, and one more
	fit := 0
	for n := 1; ; n++ {
		cfg, err := FromContext(withContext(defaultContext(t), KeyWriters, writersJSON(n, 64)), Regions)
		if err != nil {
			if n == 1 {
				t.Fatal(err)
			}
			// THEN the first config over the limit is refused, naming the
			// limit, its size and how many writers fit
			want := fmt.Sprintf("over DynamoDB's limit of 20480 bytes (20 KB, whitespace counted); the first %d writers fit", fit)
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), fmt.Sprintf("for %d writers", n)) {
				t.Errorf("error for %d writers:\n%v\nwant it to contain %q", n, err, want)
			}
			break
		}
		// AND every accepted policy is within the limit
		if size := policySize(TablePolicy(cfg.Grants())); size > MaxTablePolicyBytes {
			t.Fatalf("%d writers: policy of %d bytes accepted", n, size)
		}
		fit = n
		if n > 200 {
			t.Fatal("no writer count exceeded the policy size limit")
		}
	}
	t.Logf("%d writers with 64-character role names and two actions each fit in the table policy", fit)
	if fit != 69 { // the number README gives
		t.Errorf("%d writers fit, README says 69", fit)
	}
}

func TestPartiQLActionsAreRefused(t *testing.T) {
	t.Parallel()
	for _, a := range []string{"dynamodb:PartiQLInsert", "dynamodb:PartiQLSelect", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"} {
		writers := `[{"name":"Writer","account":"222222222222","roleName":"r","actions":["dynamodb:PutItem",` + fmt.Sprintf("%q", a) + `]}]`
		_, err := FromContext(withContext(defaultContext(t), KeyWriters, writers), Regions)
		want := fmt.Sprintf(`writers[0].actions[1]: got %q: DynamoDB's PartiQL APIs (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) support neither resource-based policies nor cross-account calls`, a)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", a, err, want)
		}
	}
}

func TestGrants(t *testing.T) {
	t.Parallel()
	writers := `[{"name":"A","account":"222222222222","roleName":"ra"},
		{"name":"B","account":"333333333333","region":"eu-west-1","roleName":"rb","actions":["dynamodb:GetItem","dynamodb:Query"]},
		{"name":"C","account":"333333333333","region":"eu-west-1","roleName":"rc","source":"queue"}]`
	cfg, err := FromContext(withContext(defaultContext(t), KeyWriters, writers), Regions)
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Grants()
	table := "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"
	want := []Grant{
		{Sid: "A", Account: "222222222222", Partition: "aws", RoleArn: "arn:aws:iam::222222222222:role/ra", Actions: []string{"dynamodb:PutItem"}, Source: "invoke", TableArn: table},
		{Sid: "B", Account: "333333333333", Partition: "aws", RoleArn: "arn:aws:iam::333333333333:role/rb", Actions: []string{"dynamodb:GetItem", "dynamodb:Query"}, Source: "invoke", TableArn: table},
		{Sid: "C", Account: "333333333333", Partition: "aws", RoleArn: "arn:aws:iam::333333333333:role/rc", Actions: []string{"dynamodb:PutItem"}, Source: "queue",
			QueueArn: "arn:aws:sqs:eu-west-1:333333333333:rc-queue", TableArn: table},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("grants:\n got %+v\nwant %+v", got, want)
	}
}

func TestChinaPartitionArns(t *testing.T) {
	t.Parallel()
	writers := `[{"name":"A","account":"222222222222","roleName":"ra"}]`
	cfg, err := FromContext(withContext(defaultContext(t), KeyWriters, writers, KeyTableRegion, "cn-north-1"), Regions)
	if err != nil {
		t.Fatal(err)
	}
	g := cfg.Grants()[0]
	if g.TableArn != "arn:aws-cn:dynamodb:cn-north-1:111111111111:table/cross-account-items" || g.RoleArn != "arn:aws-cn:iam::222222222222:role/ra" {
		t.Errorf("grant = %+v, want aws-cn ARNs", g)
	}
	principal := TablePolicy(cfg.Grants())["Statement"].([]any)[0].(map[string]any)["Principal"]
	if fmt.Sprint(principal) != "map[AWS:arn:aws-cn:iam::222222222222:root]" {
		t.Errorf("principal = %v, want the aws-cn root of 222222222222", principal)
	}
}

// TestBlockPublicAccess checks the rule DynamoDB's block public access
// applies to an Allow: a principal that admits anyone needs a trusted
// condition key with literal values.
func TestBlockPublicAccess(t *testing.T) {
	t.Parallel()
	stmt := func(principal any, cond map[string]any) map[string]any {
		st := map[string]any{"Sid": "S", "Effect": "Allow", "Principal": principal, "Action": "dynamodb:PutItem", "Resource": "*"}
		if cond != nil {
			st["Condition"] = cond
		}
		return st
	}
	role := "arn:aws:iam::222222222222:role/r"
	cases := []struct {
		name   string
		st     map[string]any
		public bool
	}{
		{"account root", stmt(map[string]any{"AWS": "arn:aws:iam::222222222222:root"}, nil), false},
		{"role", stmt(map[string]any{"AWS": role}, nil), false},
		{"generated grant", grantStatement(Grant{Sid: "S", Account: "222222222222", Partition: "aws", RoleArn: role, Actions: []string{"dynamodb:PutItem"}}), false},
		{"anyone", stmt("*", nil), true},
		{"AWS anyone", stmt(map[string]any{"AWS": []any{"arn:aws:iam::222222222222:root", "*"}}, nil), true},
		{"anyone, PrincipalArn literal", stmt("*", map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": role}}), false},
		{"anyone, PrincipalArn wildcard", stmt("*", map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:role/r"}}), true},
		{"anyone, PrincipalAccount", stmt("*", map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "222222222222"}}), false},
		{"anyone, PrincipalOrgID variable", stmt("*", map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": "${aws:PrincipalTag/org}"}}), true},
		{"anyone, negated", stmt("*", map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalAccount": "222222222222"}}), true},
		{"anyone, untrusted key", stmt("*", map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "us-east-1"}}), true},
		{"deny anyone", map[string]any{"Effect": "Deny", "Principal": "*"}, false},
	}
	for _, tc := range cases {
		reason := publicReason(tc.st)
		if (reason != "") != tc.public {
			t.Errorf("%s: publicReason = %q, want public %v", tc.name, reason, tc.public)
		}
	}
}
