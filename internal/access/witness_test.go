package access

import (
	"strings"
	"testing"
)

// TestWitnessesFindEveryoneATablePolicyAdmits edits the synthesized table
// policy in each way a grant can be widened, and expects the check to name
// a principal that is not a declared writer, the action and the table.
func TestWitnessesFindEveryoneATablePolicyAdmits(t *testing.T) {
	t.Parallel()
	statement := func(principal any, action string, cond map[string]any) map[string]any {
		st := map[string]any{"Sid": "Widened", "Effect": "Allow", "Action": action, "Resource": "*", "Principal": principal}
		if cond != nil {
			st["Condition"] = cond
		}
		return st
	}
	aws := func(p ...any) map[string]any { return map[string]any{"AWS": p} }
	tests := []struct {
		name   string
		mutate func(tmpl map[string]any)
		want   []string // prefixes of differences
	}{
		{
			name: "root of an account no configuration names",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement(aws("arn:aws:iam::333333333333:root"), "dynamodb:GetItem", nil))
			},
			want: []string{
				"extra access: arn:aws:iam::333333333333:root can dynamodb:GetItem on " + itemsTable,
				"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:GetItem on " + itemsTable,
			},
		},
		{
			name: "bare account id of an unknown account",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement(aws("333333333333"), "dynamodb:Scan", nil))
			},
			want: []string{"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:Scan on " + itemsTable},
		},
		{
			name: "role in an unknown account",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement(aws("arn:aws:iam::333333333333:role/intruder"), "dynamodb:GetItem", nil))
			},
			want: []string{"extra access: arn:aws:iam::333333333333:role/intruder can dynamodb:GetItem on " + itemsTable},
		},
		{
			name: "anyone, bounded by aws:PrincipalAccount of an unknown account",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement("*", "dynamodb:GetItem",
					map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "333333333333"}}))
			},
			want: []string{"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:GetItem on " + itemsTable},
		},
		{
			name: "aws:PrincipalAccount pattern",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement("*", "dynamodb:GetItem",
					map[string]any{"StringLike": map[string]any{"aws:PrincipalAccount": "4444*"}}))
			},
			want: []string{"extra access: arn:aws:iam::444477777777:role/access-check-admin can dynamodb:GetItem on " + itemsTable},
		},
		{
			name: "anyone in an organization",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement(aws("*"), "dynamodb:PutItem",
					map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": "o-abc123def4"}}))
			},
			want: []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:PutItem on " + itemsTable +
				`, allowed by identity probe/dynamodb-and-kms-outside-own-account statement 0 by Action "dynamodb:*" + table policy TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 1 (Sid "Widened") (probe: role in an account no template uses, allowed dynamodb:* and kms:* outside it, in organization o-abc123def4)`},
		},
		{
			name: "anyone at an organization path",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement("*", "dynamodb:PutItem",
					map[string]any{"ForAnyValue:StringLike": map[string]any{"aws:PrincipalOrgPaths": "o-abc123def4/r-ab12/ou-ab12-*"}}))
			},
			want: []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:PutItem on " + itemsTable},
		},
		{
			name: "aws:PrincipalArn pattern with a wildcard account",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement("*", "dynamodb:PutItem",
					map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:role/items-writer"}}))
			},
			want: []string{"extra access: arn:aws:iam::999999999999:role/items-writer can dynamodb:PutItem on " + itemsTable},
		},
		{
			name: "aws:PrincipalArn pattern in the writer's account",
			mutate: func(tmpl map[string]any) {
				tablePolicyStatement(tmpl)["Condition"] = map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::222222222222:role/items-*"}}
			},
			want: []string{"extra access: arn:aws:iam::222222222222:role/items-access-check-witness can dynamodb:PutItem on " + itemsTable},
		},
		{
			name: "StringLike on aws:PrincipalArn",
			mutate: func(tmpl map[string]any) {
				tablePolicyStatement(tmpl)["Condition"] = map[string]any{"StringLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::222222222222:*"}}
			},
			want: []string{"extra access: arn:aws:iam::222222222222:role/access-check-admin can dynamodb:PutItem on " + itemsTable},
		},
		{
			name: "negated condition admits everyone else",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement("*", "dynamodb:GetItem",
					map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalAccount": "222222222222"}}))
			},
			want: []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:GetItem on " + itemsTable},
		},
		{
			name: "an AWS service acting for an account",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement("*", "dynamodb:PutItem",
					map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "333333333333"}}))
			},
			want: []string{"extra access: service acting for 333333333333 can dynamodb:PutItem on " + itemsTable},
		},
		{
			name: "NotAction",
			mutate: func(tmpl map[string]any) {
				st := statement(aws("arn:aws:iam::333333333333:root"), "", nil)
				delete(st, "Action")
				st["NotAction"] = "dynamodb:DeleteTable"
				appendTablePolicyStatement(tmpl, st)
			},
			want: []string{
				"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:PutItem on " + itemsTable,
				"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:UpdateTable on " + itemsTable,
			},
		},
		{
			name: "NotResource",
			mutate: func(tmpl map[string]any) {
				st := statement(aws("arn:aws:iam::333333333333:root"), "dynamodb:Query", nil)
				delete(st, "Resource")
				st["NotResource"] = "arn:aws:dynamodb:us-east-1:111111111111:table/other"
				appendTablePolicyStatement(tmpl, st)
			},
			want: []string{"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:Query on " + itemsTable},
		},
		{
			name: "statement on the table's indexes",
			mutate: func(tmpl map[string]any) {
				st := statement(aws("arn:aws:iam::333333333333:root"), "dynamodb:Query", nil)
				st["Resource"] = itemsTable + "/index/*"
				appendTablePolicyStatement(tmpl, st)
			},
			want: []string{"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:Query on " + itemsIndex},
		},
		{
			name: "anyone in the table's own account",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, statement("*", "dynamodb:DeleteItem",
					map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "111111111111"}}))
			},
			want: []string{"extra access: arn:aws:iam::111111111111:role/access-check-no-policy can dynamodb:DeleteItem on " + itemsTable},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := Check(collectDir(t, mutatedAssembly(t, testAssembly, "TableStack", tc.mutate)), itemsGrant)
			wantFailure(t, x, tc.want)
		})
	}
}

// TestWitnessesOfTheDeclaredPolicyAreDenied checks that a policy that admits
// only the declared writer gives every witness nothing: a second principal
// account on the writer's statement admits no one new while the condition
// pins the writer's role ARN.
func TestWitnessesOfTheDeclaredPolicyAreDenied(t *testing.T) {
	t.Parallel()
	dir := mutatedAssembly(t, testAssembly, "TableStack", func(tmpl map[string]any) {
		tablePolicyStatement(tmpl)["Principal"] = map[string]any{"AWS": []any{"arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"}}
	})
	x := Check(collectDir(t, dir), itemsGrant)
	if len(x.Differences) != 0 {
		t.Errorf("differences: %v", x.Differences)
	}
	var witnessed bool
	for _, s := range x.Subjects {
		witnessed = witnessed || s.Arn == "arn:aws:iam::333333333333:role/access-check-admin"
	}
	if !witnessed {
		t.Error("no witness in the second principal account 333333333333")
	}
}

func TestFillAccount(t *testing.T) {
	t.Parallel()
	for pattern, want := range map[string]string{
		"333333333333": "333333333333", "3333*": "333377777777", "*": "777777777777",
		"33333333333?": "333333333337", "1*2*3": "177777777723", "3333": "", "3333333333333*": "", "abc*": "",
	} {
		if got := fillAccount(pattern); got != want {
			t.Errorf("fillAccount(%q) = %q, want %q", pattern, got, want)
		}
	}
}

// TestEveryActionATablePolicyCanGrantIsEvaluated grants another account
// each action IAM defines on a table or an index, one at a time, and
// patterns that match actions IAM does not list: each is extra access,
// named with its action.
func TestEveryActionATablePolicyCanGrantIsEvaluated(t *testing.T) {
	t.Parallel()
	grant := func(action string) func(map[string]any) {
		return func(tmpl map[string]any) {
			appendTablePolicyStatement(tmpl, map[string]any{"Effect": "Allow", "Action": action, "Resource": "*",
				"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}})
		}
	}
	cases := map[string][]string{
		"dynamodb:*Replica*":       {"dynamodb:CreateTableReplica", "dynamodb:DeleteTableReplica", "dynamodb:AssociateTableReplica"},
		"dynamodb:*Kinesis*":       {"dynamodb:EnableKinesisStreamingDestination", "dynamodb:UpdateKinesisStreamingDestination"},
		"dynamodb:FutureAction":    {"dynamodb:FutureAction"},
		"dynamodb:Future*":         {"dynamodb:FutureAccessCheckWitness"},
		"dynamodb:RestoreTable*":   {"dynamodb:RestoreTableFromBackup", "dynamodb:RestoreTableFromAwsBackup", "dynamodb:RestoreTableToPointInTime"},
		"dynamodb:?mportTable":     {"dynamodb:ImportTable"},
		"dynamodb:ExportTable*":    {"dynamodb:ExportTableToPointInTime"},
		"dynamodb:StartAwsBackup*": {"dynamodb:StartAwsBackupJob"},
	}
	for _, a := range tableActions {
		cases[a] = []string{a}
	}
	if len(cases) < 60 {
		t.Fatalf("%d cases; the table actions from the Service Authorization Reference are missing", len(cases))
	}
	for pattern, actions := range cases {
		t.Run(pattern, func(t *testing.T) {
			t.Parallel()
			x := Check(collectDir(t, mutatedAssembly(t, testAssembly, "TableStack", grant(pattern))), itemsGrant)
			var want []string
			for _, a := range actions {
				want = append(want, "extra access: arn:aws:iam::333333333333:role/access-check-admin can "+a+" on "+itemsTable)
			}
			wantFailure(t, x, want)
			// A pattern is named with the statement that it let in.
			if strings.ContainsAny(pattern, "*?") {
				named := false
				for _, d := range x.Differences {
					named = named || strings.Contains(d.String(), `(Sid "Widened") by Action "`+pattern+`"`) || strings.Contains(d.String(), `statement 1 by Action "`+pattern+`"`)
				}
				if !named {
					t.Errorf("no difference names the pattern %q", pattern)
				}
			}
		})
	}
}

// TestWitnessesAPolicyCannotDodge widens the table policy with principal
// patterns that are not full IAM ARN patterns, that name other ARN forms,
// or that exclude the check's usual witness names: each is extra access
// naming a principal, or, where no principal meets the statement, a
// statement the check says it cannot bound.
func TestWitnessesAPolicyCannotDodge(t *testing.T) {
	t.Parallel()
	anyone := func(cond map[string]any) func(map[string]any) {
		return func(tmpl map[string]any) {
			appendTablePolicyStatement(tmpl, map[string]any{"Sid": "Widened", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*", "Principal": "*", "Condition": cond})
		}
	}
	tests := []struct {
		name    string
		mutate  func(map[string]any)
		want    []string // prefixes of differences
		unknown string   // a prefix of Matrix.Unknown, when the check cannot bound it
	}{
		{
			name:   "plain glob on aws:PrincipalArn",
			mutate: anyone(map[string]any{"StringLike": map[string]any{"aws:PrincipalArn": "*writer*"}}),
			want:   []string{"extra access: arn:aws:iam::999999999999:role/writer"},
		},
		{
			name: "STS federated-user ARN",
			mutate: func(tmpl map[string]any) {
				appendTablePolicyStatement(tmpl, map[string]any{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*",
					"Principal": map[string]any{"AWS": "333333333333"},
					"Condition": map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:sts::333333333333:federated-user/*"}}})
			},
			want: []string{"extra access: arn:aws:sts::333333333333:federated-user/access-check-witness can dynamodb:PutItem on " + itemsTable},
		},
		{
			name:   "IAM user by pattern",
			mutate: anyone(map[string]any{"StringLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::333333333333:user/*"}}),
			want:   []string{"extra access: arn:aws:iam::333333333333:user/access-check-witness can dynamodb:GetItem on " + itemsTable},
		},
		{
			name: "negated pattern that excludes the usual witness names",
			mutate: anyone(map[string]any{"ArnNotLike": map[string]any{"aws:PrincipalArn": []any{
				"arn:aws:iam::*:*access-check*", "arn:aws:iam::*:root", "arn:aws:iam::*:role/" + witnessName}}}),
			want: []string{"extra access: arn:aws:iam::111111111111:role/w can dynamodb:GetItem on " + itemsTable},
		},
		{
			name: "negated account pattern that excludes every account the templates use",
			mutate: anyone(map[string]any{
				"StringNotLike": map[string]any{"aws:PrincipalAccount": []any{"1*", "2*", "9*"}},
				"ArnNotLike":    map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:*access-check*"}}),
			want: []string{"extra access: arn:aws:iam::333333333333:role/w can dynamodb:GetItem on " + itemsTable},
		},
		{
			name:   "IfExists on aws:PrincipalArn",
			mutate: anyone(map[string]any{"ArnLikeIfExists": map[string]any{"aws:PrincipalArn": "arn:aws:iam::444444444444:role/*"}}),
			want:   []string{"extra access: arn:aws:iam::444444444444:role/access-check-witness can dynamodb:GetItem on " + itemsTable},
		},
		{
			name:   "ForAllValues on organization paths holds for callers outside any organization",
			mutate: anyone(map[string]any{"ForAllValues:StringLike": map[string]any{"aws:PrincipalOrgPaths": "o-abc123def4/r-ab12/ou-ab12-*"}}),
			want:   []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:GetItem on " + itemsTable},
		},
		{
			name:    "a negation no made-up principal escapes",
			mutate:  anyone(map[string]any{"StringNotLike": map[string]any{"aws:PrincipalArn": "*"}, "StringEquals": map[string]any{"aws:PrincipalAccount": "333333333333"}}),
			unknown: `TableStack/TableCD117FA1 Replicas[0].ResourcePolicy statement 1 (Sid "Widened") admits none of the principals`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := Check(collectDir(t, mutatedAssembly(t, testAssembly, "TableStack", tc.mutate)), itemsGrant)
			if tc.unknown != "" {
				if len(x.Unknown) != 1 || !strings.HasPrefix(x.Unknown[0], tc.unknown) {
					t.Errorf("Unknown = %q, want one starting %q", x.Unknown, tc.unknown)
				}
				return
			}
			if len(x.Unknown) != 0 {
				t.Errorf("Unknown = %q, want none", x.Unknown)
			}
			wantFailure(t, x, tc.want)
		})
	}
}

func TestIntersectGlobs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b, want string
		ok         bool
	}{
		{"*writer*", "arn:aws:iam::1:role/*", "arn:aws:iam::1:role/writer" + witnessName, true},
		{"arn:aws:iam::*:role/items-*", "arn:aws:iam::2:role/*", "arn:aws:iam::2:role/items-" + witnessName, true},
		{"arn:aws:iam::3:user/*", "arn:aws:iam::2:user/*", "", false},
		{"a?c", "*b*", "abc", true},
		{"abc", "abd", "", false},
		{"*", "*", witnessName, true},
	} {
		got, ok := intersectGlobs(tc.a, tc.b)
		if got != tc.want || ok != tc.ok {
			t.Errorf("intersectGlobs(%q, %q) = %q, %v; want %q, %v", tc.a, tc.b, got, ok, tc.want, tc.ok)
		}
		if ok && (!wildcardMatch(tc.a, got, false) || !wildcardMatch(tc.b, got, false)) {
			t.Errorf("intersectGlobs(%q, %q) = %q, which does not match both", tc.a, tc.b, got)
		}
	}
}
