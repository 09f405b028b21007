package access

import (
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// Subject is one principal the matrix evaluates, with its identity
// policies.
type Subject struct {
	Principal
	// Label says what the principal is: a writer role, another role of the
	// templates, or a probe.
	Label string
	// Identity holds the statements of the principal's identity policies.
	Identity []Statement
	// Probe marks a principal the check made up; probe tables are evaluated
	// for the other principals only.
	Probe bool
}

// probeLabel is the label of a principal the check made up, "" for others.
func (s Subject) probeLabel() string {
	if s.Probe {
		return s.Label
	}
	return ""
}

// key tells subjects apart: the same ARN in another organization is another
// principal.
func (s Subject) key() string {
	return s.Arn + "\x00" + s.OrgID + "\x00" + strings.Join(s.OrgPaths, ",")
}

// Matrix is the decision for every (table, principal, action) cell.
type Matrix struct {
	Tables   []*Table
	Subjects []Subject
	Actions  []string
	// Cells is indexed [table][subject][action].
	Cells [][][]Decision
	// IndexCells holds the decisions for the same requests on an index of
	// the table (IndexArn of the table), indexed like Cells. Grants are
	// declared on table ARNs only, so every allowed index cell is extra
	// access.
	IndexCells [][][]Decision
	// Expected marks the declared cells, indexed like Cells.
	Expected [][][]bool
	// Keys are the customer-managed KMS keys of the templates.
	Keys []*Key
	// KeyActions are the KMS actions evaluated on each key: every action
	// IAM defines on a key, and any action a policy names that IAM does not
	// list (yet).
	KeyActions []string
	// KeyCells is indexed [key][subject][KeyActions index][route]: each KMS
	// request made through DynamoDB in the key's region and made directly.
	KeyCells [][][][routes]Decision
	// KeyExpected marks the declared key cells, indexed like KeyCells.
	KeyExpected [][][][routes]bool
	// Differences lists each cell whose outcome is not the declared one,
	// each declared grant on a table the templates do not define, and
	// each undeclared path to a role with access.
	Differences []Difference
	// Paths are the ways principals act as the roles with access: by their
	// trust policies, and through the functions that run as them.
	Paths []Path
	// Unknown lists what the check could not bound, such as a role with
	// access whose trust policy it cannot read; the check fails closed on
	// any of them.
	Unknown []string
}

// Check evaluates every principal of the model, the declared principals and
// a set of probe principals against every table and action, and the same
// requests on an index of each table, and compares the allowed cells with
// the declared grants.
func Check(m *Model, expected []config.Grant) *Matrix {
	x := &Matrix{Actions: actionColumns(m, expected), KeyActions: keyActions(m)}
	x.Subjects = subjects(m, expected)
	x.Tables = append(append([]*Table{}, m.Tables...), probeTables(m, expected)...)

	want := map[[3]string]bool{} // principal, lower-case action, table
	for _, g := range expected {
		for _, pattern := range g.Actions {
			for _, a := range x.Actions {
				if wildcardMatch(pattern, a, true) {
					want[[3]string{g.RoleArn, strings.ToLower(a), g.TableArn}] = true
				}
			}
		}
	}
	tables := map[string]bool{}
	for ti, t := range x.Tables {
		if t.Probe == "" {
			tables[t.Arn] = true
		}
		x.Cells = append(x.Cells, make([][]Decision, len(x.Subjects)))
		x.IndexCells = append(x.IndexCells, make([][]Decision, len(x.Subjects)))
		x.Expected = append(x.Expected, make([][]bool, len(x.Subjects)))
		index := IndexArn(t.Arn)
		for si, s := range x.Subjects {
			x.Cells[ti][si] = make([]Decision, len(x.Actions))
			x.IndexCells[ti][si] = make([]Decision, len(x.Actions))
			x.Expected[ti][si] = make([]bool, len(x.Actions))
			if t.Probe != "" && s.Probe {
				continue
			}
			for ai, a := range x.Actions {
				d := Evaluate(Request{Principal: s.Principal, Action: a, Resource: t.Arn, ResourceAccount: t.Account}, s.Identity, t.Policy)
				// A probe is never declared, even one that borrows a writer's
				// ARN to show it denied outside its organization.
				declared := !s.Probe && want[[3]string{s.Arn, strings.ToLower(a), t.Arn}]
				x.Cells[ti][si][ai], x.Expected[ti][si][ai] = d, declared
				if d.Allowed != declared {
					x.Differences = append(x.Differences, Difference{Extra: d.Allowed, Principal: s.Arn, Action: a, Table: t.Arn, Decision: d, Label: s.probeLabel()})
				}
				// The table's policy governs its indexes too: its "*"
				// covers them, while an identity policy reaches them only
				// through a Resource that matches the index ARN.
				d = Evaluate(Request{Principal: s.Principal, Action: a, Resource: index, ResourceAccount: t.Account}, s.Identity, t.Policy)
				x.IndexCells[ti][si][ai] = d
				if d.Allowed {
					x.Differences = append(x.Differences, Difference{Extra: true, Principal: s.Arn, Action: a, Table: index, Decision: d, Label: s.probeLabel()})
				}
			}
		}
	}
	x.Differences = append(x.Differences, x.oneSided(want)...)
	x.checkKeys(m, expected)
	x.checkPaths(m, expected)
	for _, k := range sortedTriples(want) {
		if !tables[k[2]] {
			x.Differences = append(x.Differences, Difference{Principal: k[0], Action: canonicalAction(k[1], x.Actions), Table: k[2], TableMissingFromTemplates: true})
		}
	}
	return x
}

// oneSided checks each side of every cross-account grant on its own: the
// declared writer's identity policy against a table policy that trusts it
// with everything, and the table policy against an identity policy that
// allows everything. Each side must allow the declared actions only.
func (x *Matrix) oneSided(want map[[3]string]bool) []Difference {
	writers := map[string]bool{}
	for k := range want {
		writers[k[0]] = true
	}
	var out []Difference
	for ti, t := range x.Tables {
		if t.Probe != "" {
			continue
		}
		for si, s := range x.Subjects {
			if !writers[s.Arn] || s.Probe || s.Account == t.Account {
				continue
			}
			trustsWriter := []Statement{{
				Where:      Location{Stack: "probe", Resource: "table-policy-trusting-the-writer"},
				Effect:     Allow,
				Actions:    []string{"*"},
				Resources:  []string{"*"},
				Principals: []principalPattern{{arn: s.Arn}},
			}}
			for ai, a := range x.Actions {
				if x.Expected[ti][si][ai] || x.Cells[ti][si][ai].Allowed {
					continue // declared, or already reported as extra access
				}
				req := Request{Principal: s.Principal, Action: a, Resource: t.Arn, ResourceAccount: t.Account}
				if d := Evaluate(req, s.Identity, trustsWriter); d.Allowed {
					out = append(out, Difference{Extra: true, Principal: s.Arn, Action: a, Table: t.Arn, Decision: d, OneSided: "identity policy"})
				}
				if d := Evaluate(req, dynamodbAdmin(), t.Policy); d.Allowed {
					out = append(out, Difference{Extra: true, Principal: s.Arn, Action: a, Table: t.Arn, Decision: d, OneSided: "table policy"})
				}
			}
		}
	}
	return out
}
