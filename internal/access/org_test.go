package access

import (
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

const itemsOrg = "o-a1b2c3d4e5"

// withOrgGuard adds the organization condition to the writer's table policy
// statement, as TableStack renders it with organizationId set.
func withOrgGuard(tmpl map[string]any) {
	cond := tablePolicyStatement(tmpl)["Condition"].(map[string]any)
	cond["StringEquals"] = map[string]any{"aws:PrincipalOrgID": itemsOrg}
}

func TestOrganizationGuard(t *testing.T) {
	t.Parallel()
	orgGrant := []config.Grant{{Account: "222222222222", Partition: "aws", RoleArn: itemsWriter, Actions: []string{"dynamodb:PutItem"}, TableArn: itemsTable, OrgID: itemsOrg}}
	guarded := mutatedAssembly(t, testAssembly, "TableStack", withOrgGuard)

	t.Run("guard in the policy and the config: exactly the declared access", func(t *testing.T) {
		t.Parallel()
		x := Check(collectDir(t, guarded), orgGrant)
		if len(x.Differences) != 0 {
			t.Errorf("differences: %v", x.Differences)
		}
		if got := strings.Join(allowedCells(x), "\n"); got != itemsWriter+" dynamodb:PutItem "+itemsTable {
			t.Errorf("allowed cells:\n%s", got)
		}
		// AND the writer role outside the organization is a probe, denied
		var probed bool
		for si, s := range x.Subjects {
			if s.Arn == itemsWriter && s.OrgID == "" {
				probed = true
				for ai, a := range x.Actions {
					if x.Cells[0][si][ai].Allowed {
						t.Errorf("writer outside the organization allowed %s", a)
					}
				}
			}
		}
		if !probed {
			t.Error("no probe for the writer role outside the organization")
		}
	})
	t.Run("guard dropped from the policy: the writer outside the organization gets in", func(t *testing.T) {
		t.Parallel()
		x := Check(collectDir(t, testAssembly), orgGrant)
		want := "extra access: " + itemsWriter + " can dynamodb:PutItem on " + itemsTable
		var got []string
		for _, d := range x.Differences {
			got = append(got, d.String())
		}
		if !containsPrefix(got, want) || !strings.Contains(strings.Join(got, "\n"), "left organization "+itemsOrg) {
			t.Errorf("differences lack %q for the probe outside the organization; got:\n%s", want, strings.Join(got, "\n"))
		}
	})
	t.Run("guard in the policy for another organization: the writer is shut out", func(t *testing.T) {
		t.Parallel()
		other := []config.Grant{{Account: "222222222222", Partition: "aws", RoleArn: itemsWriter, Actions: []string{"dynamodb:PutItem"}, TableArn: itemsTable, OrgID: "o-zzzzzzzzzz"}}
		x := Check(collectDir(t, guarded), other)
		var got []string
		for _, d := range x.Differences {
			got = append(got, d.String())
		}
		if !containsPrefix(got, "missing access: "+itemsWriter+" cannot dynamodb:PutItem on "+itemsTable) {
			t.Errorf("differences lack the writer's missing PutItem; got:\n%s", strings.Join(got, "\n"))
		}
	})
}
