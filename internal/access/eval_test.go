package access

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

const (
	tableA   = "arn:aws:dynamodb:us-east-1:111111111111:table/orders"
	writerB  = "arn:aws:iam::222222222222:role/orders-writer"
	otherB   = "arn:aws:iam::222222222222:role/someone-else"
	rootB    = "arn:aws:iam::222222222222:root"
	roleInA  = "arn:aws:iam::111111111111:role/app"
	accountA = "111111111111"
	accountB = "222222222222"
	tableCN  = "arn:aws-cn:dynamodb:cn-north-1:111111111111:table/orders"
	writerCN = "arn:aws-cn:iam::222222222222:role/orders-writer"
)

func mustPolicy(t *testing.T, kind Kind, doc string) []Statement {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("bad test policy: %v", err)
	}
	st, err := ParsePolicy(v, kind, Location{Stack: "Test", Resource: "Policy"})
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	return st
}

func principal(arn string) Principal {
	a, _ := arns.Parts(arn)
	return Principal{Arn: arn, Account: a.AccountID}
}

// tablePolicyFor is the shape this project emits: the writer account's root
// as principal, narrowed to one role by an ARN condition.
const tablePolicyForWriter = `{"Version":"2012-10-17","Statement":[{
	"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*",
	"Principal":{"AWS":"arn:aws:iam::222222222222:root"},
	"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/orders-writer"}}}]}`

const identityPutOnTable = `{"Version":"2012-10-17","Statement":[{
	"Effect":"Allow","Action":"dynamodb:PutItem",
	"Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/orders"}]}`

func TestEvaluate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		caller    string
		action    string
		identity  string // "" for none
		resource  string // "" for no table policy
		orgID     string
		table     string // tableA when ""
		wantAllow bool
	}{
		// "Policy evaluation for requests within a single account": either
		// side's Allow suffices.
		{
			name: "same account, identity policy alone allows", caller: roleInA, action: "dynamodb:PutItem",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"` + tableA + `"}}`,
			wantAllow: true,
		},
		{
			name: "same account, table policy naming the role alone allows", caller: roleInA, action: "dynamodb:GetItem",
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Principal":{"AWS":"` + roleInA + `"}}}`,
			wantAllow: true,
		},
		{
			name: "same account, table policy naming only the account delegates to identity policies", caller: roleInA, action: "dynamodb:GetItem",
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Principal":{"AWS":"111111111111"}}}`,
			wantAllow: false,
		},
		{
			name: "same account, no policy allows", caller: roleInA, action: "dynamodb:GetItem",
			resource:  tablePolicyForWriter,
			wantAllow: false,
		},
		// "Cross-account policy evaluation logic": both sides must allow.
		{
			name: "cross account, both sides allow", caller: writerB, action: "dynamodb:PutItem",
			identity: identityPutOnTable, resource: tablePolicyForWriter,
			wantAllow: true,
		},
		{
			name: "cross account, identity policy missing", caller: writerB, action: "dynamodb:PutItem",
			resource:  tablePolicyForWriter,
			wantAllow: false,
		},
		{
			name: "cross account, table policy missing", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			wantAllow: false,
		},
		{
			name: "cross account, another role of the account fails the ARN condition", caller: otherB, action: "dynamodb:PutItem",
			identity: identityPutOnTable, resource: tablePolicyForWriter,
			wantAllow: false,
		},
		{
			name: "cross account, action granted on one side only", caller: writerB, action: "dynamodb:DeleteItem",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
			resource:  tablePolicyForWriter,
			wantAllow: false,
		},
		{
			name: "cross account, root user of the named account needs no identity policy", caller: rootB, action: "dynamodb:Scan",
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:Scan","Resource":"*","Principal":{"AWS":"222222222222"}}}`,
			wantAllow: true,
		},
		{
			name: "cross account, root user fails a role ARN condition", caller: rootB, action: "dynamodb:PutItem",
			resource:  tablePolicyForWriter,
			wantAllow: false,
		},
		{
			name: "cross account, principal * still needs the identity policy", caller: otherB, action: "dynamodb:GetItem",
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Principal":"*"}}`,
			wantAllow: false,
		},
		// Explicit deny overrides any allow, on either side.
		{
			name: "explicit deny in the table policy overrides both allows", caller: writerB, action: "dynamodb:PutItem",
			identity: identityPutOnTable,
			resource: `{"Statement":[` + strings.TrimSuffix(strings.TrimPrefix(tablePolicyForWriter, `{"Version":"2012-10-17","Statement":[`), `]}`) +
				`,{"Effect":"Deny","Action":"dynamodb:*","Resource":"*","Principal":"*"}]}`,
			wantAllow: false,
		},
		{
			name: "explicit deny in the identity policy overrides its own allow", caller: roleInA, action: "dynamodb:PutItem",
			identity: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
				{"Effect":"Deny","Action":"dynamodb:Put*","Resource":"` + tableA + `"}]}`,
			wantAllow: false,
		},
		// NotAction: everything except the listed actions.
		{
			name: "NotAction allows an action it does not list", caller: roleInA, action: "dynamodb:PutItem",
			identity:  `{"Statement":{"Effect":"Allow","NotAction":["dynamodb:Delete*","iam:*"],"Resource":"*"}}`,
			wantAllow: true,
		},
		{
			name: "NotAction does not allow an action it lists", caller: roleInA, action: "dynamodb:DeleteTable",
			identity:  `{"Statement":{"Effect":"Allow","NotAction":["dynamodb:Delete*","iam:*"],"Resource":"*"}}`,
			wantAllow: false,
		},
		{
			name: "Deny with NotAction denies everything else", caller: roleInA, action: "dynamodb:Scan",
			identity: `{"Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"},
				{"Effect":"Deny","NotAction":"dynamodb:GetItem","Resource":"*"}]}`,
			wantAllow: false,
		},
		// Actions match case-insensitively; resources case-sensitively.
		{
			name: "action names are case-insensitive", caller: roleInA, action: "dynamodb:PutItem",
			identity:  `{"Statement":{"Effect":"Allow","Action":"DynamoDB:putitem","Resource":"*"}}`,
			wantAllow: true,
		},
		{
			name: "wildcard resource in the table's account matches", caller: roleInA, action: "dynamodb:Query",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:*:111111111111:table/ord?rs"}}`,
			wantAllow: true,
		},
		{
			name: "wildcard resource for other tables does not match", caller: roleInA, action: "dynamodb:Query",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/orders-*"}}`,
			wantAllow: false,
		},
		{
			name: "resource ARNs are case-sensitive", caller: roleInA, action: "dynamodb:Query",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/Orders"}}`,
			wantAllow: false,
		},
		{
			name: "NotResource excluding the table does not allow it", caller: roleInA, action: "dynamodb:Query",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:Query","NotResource":"arn:aws:dynamodb:*:*:table/orders"}}`,
			wantAllow: false,
		},
		{
			name: "table policy Resource naming another table does not apply", caller: roleInA, action: "dynamodb:Query",
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:111111111111:table/other","Principal":"*"}}`,
			wantAllow: false,
		},
		// The role is deleted and re-created with the same name: an ARN
		// condition compares the ARN string, which is the same again, so the
		// grant still matches. (A role ARN written as Principal would have
		// been stored as the old role's unique id and match no longer; the
		// evaluator does not model unique ids, which is why the project uses
		// the condition.)
		{
			name: "ARN condition matches a re-created role of the same name", caller: writerB, action: "dynamodb:PutItem",
			identity: identityPutOnTable, resource: tablePolicyForWriter,
			wantAllow: true,
		},
		// Condition operators and keys.
		{
			name: "StringLike on the principal ARN", caller: otherB, action: "dynamodb:GetItem",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}}`,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/some*"}}}}`,
			wantAllow: true,
		},
		{
			name: "ArnLike wildcard does not match a role outside the pattern", caller: writerB, action: "dynamodb:GetItem",
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}}`,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/some*"}}}}`,
			wantAllow: false,
		},
		{
			name: "any one of several condition values suffices", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"ArnEquals":{"aws:PrincipalArn":["` + otherB + `","` + writerB + `"]}}}}`,
			wantAllow: true,
		},
		{
			name: "all condition keys must hold", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"` + writerB + `"},"StringEquals":{"aws:PrincipalAccount":"333333333333"}}}}`,
			wantAllow: false,
		},
		{
			name: "ArnNotEquals excludes the named role", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":"*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"` + writerB + `"}}}}`,
			wantAllow: false,
		},
		{
			name: "org id condition fails when the caller is in no organization", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}}`,
			wantAllow: false,
		},
		{
			name: "org id condition holds for a caller in that organization", caller: writerB, action: "dynamodb:PutItem", orgID: "o-abc123",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}}`,
			wantAllow: true,
		},
		{
			name: "IfExists holds when the key is missing", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}}`,
			wantAllow: true,
		},
		{
			name: "a negated operator holds when the key is missing", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}}`,
			wantAllow: true,
		},
		{
			name: "ForAllValues holds when the key is missing", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}}`,
			wantAllow: true,
		},
		{
			name: "ForAnyValue fails when the key is missing", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}}`,
			wantAllow: false,
		},
		{
			name: "ForAnyValue:ArnLike on the principal ARN", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"222222222222"},"Condition":{"ForAnyValue:ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/orders-*"}}}}`,
			wantAllow: true,
		},
		// Partitions are separate: no request crosses from one to another,
		// and an account named in one partition is not the account of the
		// same number in another.
		{
			name: "cross partition, an aws role never reaches an aws-cn table", caller: writerB, action: "dynamodb:PutItem", table: tableCN,
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"arn:aws-cn:iam::222222222222:root"}}}`,
			wantAllow: false,
		},
		{
			name: "cross partition, principal * does not open an aws-cn table to an aws role", caller: writerB, action: "dynamodb:PutItem", table: tableCN,
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":"*"}}`,
			wantAllow: false,
		},
		{
			name: "root ARN of another partition does not name the caller's account", caller: writerB, action: "dynamodb:PutItem",
			identity:  identityPutOnTable,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"arn:aws-cn:iam::222222222222:root"}}}`,
			wantAllow: false,
		},
		{
			name: "same partition aws-cn, root ARN principal matches", caller: writerCN, action: "dynamodb:PutItem", table: tableCN,
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"arn:aws-cn:iam::222222222222:root"}}}`,
			wantAllow: true,
		},
		{
			name: "same partition aws-cn, a bare account id names the account in the table's partition", caller: writerCN, action: "dynamodb:PutItem", table: tableCN,
			identity:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
			resource:  `{"Statement":{"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"*","Principal":{"AWS":"222222222222"}}}`,
			wantAllow: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var identity, resource []Statement
			if tc.identity != "" {
				identity = mustPolicy(t, IdentityPolicy, tc.identity)
			}
			if tc.resource != "" {
				resource = mustPolicy(t, ResourcePolicy, tc.resource)
			}
			p := principal(tc.caller)
			p.OrgID = tc.orgID
			table := tc.table
			if table == "" {
				table = tableA
			}
			d := Evaluate(Request{Principal: p, Action: tc.action, Resource: table, ResourceAccount: accountA}, identity, resource)
			if d.Allowed != tc.wantAllow {
				t.Errorf("Allowed = %v, want %v (decision %+v)", d.Allowed, tc.wantAllow, d)
			}
		})
	}
}

func TestEvaluateNamesTheStatements(t *testing.T) {
	t.Parallel()
	identity := mustPolicy(t, IdentityPolicy, identityPutOnTable)
	resource := mustPolicy(t, ResourcePolicy, tablePolicyForWriter)
	d := Evaluate(Request{Principal: principal(writerB), Action: "dynamodb:PutItem", Resource: tableA, ResourceAccount: accountA}, identity, resource)
	if len(d.IdentityAllows) != 1 || len(d.ResourceAllows) != 1 {
		t.Fatalf("want one allow on each side, got %+v", d)
	}
	if got, want := d.allowedBy(), "identity Test/Policy statement 0 + table policy Test/Policy statement 0"; got != want {
		t.Errorf("allowedBy() = %q, want %q", got, want)
	}
}

func TestParsePolicyRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		kind    Kind
		doc     string
		wantErr string
	}{
		{"unknown condition operator", ResourcePolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Principal":"*","Condition":{"NumericEquals":{"aws:PrincipalAccount":"1"}}}}`,
			`condition operator "NumericEquals" is not supported`},
		{"unknown condition key", ResourcePolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Principal":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}}`,
			`condition key "aws:SourceVpce" is not supported`},
		{"NotPrincipal", ResourcePolicy,
			`{"Statement":{"Effect":"Deny","Action":"dynamodb:*","Resource":"*","NotPrincipal":{"AWS":"222222222222"}}}`,
			`NotPrincipal is not supported`},
		{"Principal in an identity policy", IdentityPolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Principal":"*"}}`,
			`Principal is not allowed in an identity policy`},
		{"resource statement without Principal", ResourcePolicy,
			`{"Statement":{"Sid":"NoWho","Effect":"Allow","Action":"dynamodb:*","Resource":"*"}}`,
			`statement 0 (Sid "NoWho"): Principal is missing`},
		{"service principal", ResourcePolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Principal":{"Service":"lambda.amazonaws.com"}}}`,
			`Principal type "Service" is not supported`},
		{"federated principal", ResourcePolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Principal":{"Federated":"cognito-identity.amazonaws.com"}}}`,
			`Principal type "Federated" is not supported`},
		{"canonical user principal", ResourcePolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}}}`,
			`Principal type "CanonicalUser" is not supported`},
		{"condition key whose effect the check cannot bound", ResourcePolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Principal":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}}`,
			`condition key "aws:PrincipalTag/team" is not supported`},
		{"wildcard in a principal ARN", ResourcePolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Principal":{"AWS":"arn:aws:iam::222222222222:role/*"}}}`,
			`Principal.AWS "arn:aws:iam::222222222222:role/*"`},
		{"session principal", ResourcePolicy,
			`{"Statement":{"Effect":"Deny","Action":"dynamodb:*","Resource":"*","Principal":{"AWS":"arn:aws:sts::222222222222:assumed-role/orders-writer/session"}}}`,
			`Principal.AWS "arn:aws:sts::222222222222:assumed-role/orders-writer/session": a role session is not supported as a principal`},
		{"bad Effect", IdentityPolicy,
			`{"Statement":{"Effect":"allow","Action":"dynamodb:*","Resource":"*"}}`,
			`Effect is string "allow"`},
		{"Action and NotAction", IdentityPolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","NotAction":"s3:*","Resource":"*"}}`,
			`both Action and NotAction are set`},
		{"no Resource", IdentityPolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*"}}`,
			`Resource (or NotResource) is missing`},
		{"policy variable", IdentityPolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:*:table/${aws:username}"}}`,
			`policy variables are not supported`},
		{"action without service", IdentityPolicy,
			`{"Statement":{"Effect":"Allow","Action":"PutItem","Resource":"*"}}`,
			`Action "PutItem"`},
		{"unknown element", IdentityPolicy,
			`{"Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Resources":"*"}}`,
			`unknown statement element "Resources"`},
		{"bad version", IdentityPolicy,
			`{"Version":"2012-10-18","Statement":[]}`,
			`Version string "2012-10-18"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tc.doc), &v); err != nil {
				t.Fatal(err)
			}
			_, err := ParsePolicy(v, tc.kind, Location{Stack: "S", Resource: "R", Policy: "P"})
			if err == nil {
				t.Fatalf("ParsePolicy accepted %s", tc.doc)
			}
			if !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "S/R P") {
				t.Errorf("error %q, want it to start with the location and contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*b*", "aaabaaa", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxcyyb", false},
		{"{S/Log.Arn}", "{S/Log.Arn}", true},
		{"{S/Log.Arn}", "{S/Queue.Arn}", false},
	}
	for _, tc := range tests {
		if got := wildcardMatch(tc.pattern, tc.value, false); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tc.pattern, tc.value, got, tc.want)
		}
	}
}
