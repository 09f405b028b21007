package access

import (
	"fmt"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// Probe role names; they are not expected to exist in any account.
const (
	probeOtherRole    = "access-check-other-role"
	probeAdminRole    = "access-check-admin"
	probeThirdRole    = "access-check-third-account"
	probeNoPolicyRole = "access-check-no-policy"
)

// subjects lists the roles of the templates, the declared principals the
// templates lack, in each writer account another role with the writers'
// identity statements, and the witnesses of the tables' policies: every
// kind of principal those policies can admit (see witnesses).
func subjects(m *Model, expected []config.Grant) []Subject {
	var out []Subject
	seen := map[string]bool{}
	writers := map[string]bool{}
	orgs := map[string]string{}         // the organization each writer's account is in
	grants := map[string]config.Grant{} // by writer role ARN
	for _, g := range expected {
		writers[g.RoleArn] = true
		grants[g.RoleArn] = g
		orgs[g.RoleArn] = g.OrgID
		if g.OrgID != "" {
			orgs[g.Account] = g.OrgID
		}
	}
	accounts := map[string]bool{}
	for _, r := range m.Roles {
		label := "role of " + r.Stack
		if r.Logical == "" {
			label = "role named in a policy of " + r.Stack
		}
		if writers[r.Arn] {
			label = "declared writer, " + label
		}
		p := r.Principal
		p.OrgID = orgs[r.Account]
		s := Subject{Principal: p, Label: label, Identity: r.Statements}
		out = append(out, s)
		seen[s.key()] = true
		accounts[r.Account] = true
	}
	source := m.Source
	if source == "" {
		source = "the templates"
	}
	writerAccounts := map[string]string{} // account -> partition
	for _, arn := range sortedKeys(grants) {
		g := grants[arn]
		writerAccounts[g.Account] = g.Partition
		accounts[g.Account] = true
		if s := (Subject{Principal: Principal{Arn: arn, Account: g.Account, OrgID: orgs[arn]}, Label: "declared writer, not in " + source}); !seen[s.key()] {
			out = append(out, s)
			seen[s.key()] = true
		}
	}
	for _, t := range m.Tables {
		accounts[t.Account] = true
	}
	add := func(s Subject) {
		s.Probe = true
		if key := s.key(); !seen[key] {
			out = append(out, s)
			seen[key] = true
		}
	}
	for _, acct := range sortedKeys(writerAccounts) {
		var writerStatements []Statement
		for _, r := range m.Roles {
			if r.Account == acct && writers[r.Arn] {
				writerStatements = append(writerStatements, r.Statements...)
			}
		}
		add(Subject{
			Principal: Principal{Arn: roleArnIn(writerAccounts[acct], acct, probeOtherRole), Account: acct, OrgID: orgs[acct]},
			Label:     "probe: another role in " + acct + " with the writers' identity statements",
			Identity:  writerStatements,
		})
	}
	for _, r := range m.Roles {
		if org := orgs[r.Arn]; org != "" {
			add(Subject{
				Principal: Principal{Arn: r.Arn, Account: r.Account},
				Label:     "probe: the writer role if account " + r.Account + " left organization " + org,
				Identity:  r.Statements,
			})
		}
	}
	for _, w := range witnesses(m, accounts, writers) {
		add(w)
	}
	return out
}

// probeIndex is the name of the made-up index that stands for any index of
// a table.
const probeIndex = "access-check-probe-index"

// IndexArn is the ARN of the probe index of the table tableArn: a pattern
// that matches it matches an index of that table.
func IndexArn(tableArn string) string {
	return arns.Index(tableArn, probeIndex)
}

// probeTable is the name of the made-up tables that show how far the
// writers' identity policies reach beyond the declared table.
const probeTable = "access-check-probe-table"

// probeTables are, for each writer account, a table of that account without
// a resource policy (a writer's identity policy alone decides there), and for
// each table account, another table whose resource policy allows the
// declared writers everything (their identity policies decide there).
func probeTables(m *Model, expected []config.Grant) []*Table {
	var out []*Table
	seen := map[string]bool{}
	add := func(t *Table) {
		if !seen[t.Arn] {
			out = append(out, t)
			seen[t.Arn] = true
		}
	}
	sample := map[string]*Table{} // table account -> one of its tables
	for _, t := range m.Tables {
		if sample[t.Account] == nil {
			sample[t.Account] = t
		}
	}
	var writerAccounts, writerArns []any
	for _, g := range expected {
		writerAccounts = append(writerAccounts, g.Account)
		writerArns = append(writerArns, g.RoleArn)
		region := ""
		for _, r := range m.Roles {
			if r.Arn == g.RoleArn {
				region = r.Region
			}
		}
		if table, ok := arns.Parts(g.TableArn); region == "" && ok {
			region = table.Region
		}
		if region == "" {
			continue
		}
		add(&Table{
			Arn:     arns.Table(g.Partition, region, g.Account, probeTable),
			Account: g.Account, Region: region, Stack: "probe", Logical: "writer-account-table",
			Probe: "a table in the writer's account without a resource policy",
		})
	}
	if len(writerArns) == 0 {
		return out
	}
	policy, err := ParsePolicy(map[string]any{"Statement": []any{map[string]any{
		"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*",
		"Principal": map[string]any{"AWS": writerAccounts},
		"Condition": map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": writerArns}},
	}}}, ResourcePolicy, Location{Stack: "probe", Resource: "open-to-writers"})
	if err != nil {
		panic("access: probe policy does not parse: " + err.Error())
	}
	for _, acct := range sortedKeys(sample) {
		t := sample[acct]
		add(&Table{
			Arn:     arns.Table(arns.Partition(t.Arn), t.Region, acct, probeTable),
			Account: acct, Region: t.Region, Stack: "probe", Logical: "table-account-table",
			Probe:  "another table in the table's account whose policy allows the writers dynamodb:*",
			Policy: policy,
		})
	}
	return out
}

func roleArnIn(partition, account, name string) string {
	return arns.Role(partition, account, name)
}

func dynamodbAdmin() []Statement {
	return []Statement{{
		Where:     Location{Stack: "probe", Resource: "dynamodb-admin"},
		Effect:    Allow,
		Actions:   []string{"dynamodb:*"},
		Resources: []string{"*"},
	}}
}

// unusedAccount picks an account id that no template or grant uses.
func unusedAccount(used map[string]bool) string {
	for n := 999999999999; ; n-- {
		id := fmt.Sprintf("%012d", n)
		if !used[id] {
			return id
		}
	}
}
