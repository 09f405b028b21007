package access

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/iamactions"
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

// Difference is one (principal, action, table) triple that is allowed but
// not declared (Extra), or declared but not allowed. Table is the table's
// ARN, or the probe index's for access to the table's indexes.
type Difference struct {
	Extra                     bool
	Principal, Action, Table  string
	Decision                  Decision
	TableMissingFromTemplates bool
	// Label says what a principal the check made up stands for; "" for the
	// principals of the templates and the configuration.
	Label string
	// Via is set when the principal gets the access by acting as a role
	// that has it: the path from the principal to that role.
	Via string
	// OneSided names the policy ("identity policy" or "table policy") that
	// on its own allows a cross-account action the other side does not:
	// no access today, but the two sides no longer come from one
	// declaration, and a change to the other side would open it.
	OneSided string
}

func (d Difference) String() string {
	if d.OneSided != "" {
		by := d.Decision.IdentityAllows
		if d.OneSided == "table policy" {
			by = d.Decision.ResourceAllows
		}
		return fmt.Sprintf("extra access: the %s alone allows %s to %s on %s (%s); the other side stops it today, but the two sides no longer grant the same actions",
			d.OneSided, d.Principal, d.Action, d.Table, joinLocations(by))
	}
	if d.Via != "" {
		s := fmt.Sprintf("extra access: %s can %s on %s via %s", d.Principal, d.Action, d.Table, d.Via)
		if d.Label != "" {
			s += " (" + d.Label + ")"
		}
		return s
	}
	if d.TableMissingFromTemplates {
		return fmt.Sprintf("missing access: %s cannot %s on %s: no template defines that table", d.Principal, d.Action, d.Table)
	}
	if d.Extra && d.Label != "" {
		return fmt.Sprintf("extra access: %s can %s on %s, allowed by %s (%s)", d.Principal, d.Action, d.Table, d.Decision.allowedBy(), d.Label)
	}
	if d.Extra {
		return fmt.Sprintf("extra access: %s can %s on %s, allowed by %s", d.Principal, d.Action, d.Table, d.Decision.allowedBy())
	}
	policy := "table policy"
	if strings.HasPrefix(d.Action, "kms:") {
		policy = "key policy"
	}
	return fmt.Sprintf("missing access: %s cannot %s on %s: %s", d.Principal, d.Action, d.Table, d.Decision.why(policy))
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

func sortedTriples(m map[[3]string]bool) [][3]string {
	out := make([][3]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.Join(out[i][:], "\x00") < strings.Join(out[j][:], "\x00")
	})
	return out
}

// actionColumns are the DynamoDB actions evaluated on each table and its
// indexes: every action IAM defines on a table or an index, any action a
// policy names that IAM does not list, and any declared action.
func actionColumns(m *Model, expected []config.Grant) []string {
	cols := unlisted(m, "dynamodb", tableActions)
	for _, g := range expected {
		for _, a := range g.Actions {
			if strings.ContainsAny(a, "*?") {
				continue
			}
			if canonicalAction(a, cols) == a && !containsFold(cols, a) {
				cols = append(cols, a)
			}
		}
	}
	return cols
}

func canonicalAction(a string, cols []string) string {
	for _, c := range cols {
		if strings.EqualFold(a, c) {
			return c
		}
	}
	return a
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

var arnAccount = regexp.MustCompile(`^arn:(aws[a-z-]*):[a-z]+:[a-z0-9-]*:([0-9]{12}):`)

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
	orgs := map[string]string{} // the organization each writer's account is in
	for _, g := range expected {
		writers[g.RoleArn] = true
		orgs[g.RoleArn] = g.OrgID
		if mm := arnAccount.FindStringSubmatch(g.RoleArn); mm != nil && g.OrgID != "" {
			orgs[mm[2]] = g.OrgID
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
	for _, arn := range sortedKeys(writers) {
		mm := arnAccount.FindStringSubmatch(arn)
		if mm == nil {
			continue
		}
		writerAccounts[mm[2]] = mm[1]
		accounts[mm[2]] = true
		if s := (Subject{Principal: Principal{Arn: arn, Account: mm[2], OrgID: orgs[arn]}, Label: "declared writer, not in " + source}); !seen[s.key()] {
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
	return tableArn + "/index/" + probeIndex
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
		mm := arnAccount.FindStringSubmatch(g.RoleArn)
		if mm == nil {
			continue
		}
		writerAccounts = append(writerAccounts, mm[2])
		writerArns = append(writerArns, g.RoleArn)
		region := ""
		for _, r := range m.Roles {
			if r.Arn == g.RoleArn {
				region = r.Region
			}
		}
		if region == "" {
			region = regionOfTable(g.TableArn)
		}
		if region == "" {
			continue
		}
		add(&Table{
			Arn:     fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", mm[1], region, mm[2], probeTable),
			Account: mm[2], Region: region, Stack: "probe", Logical: "writer-account-table",
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
			Arn:     fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", arnPartition(t.Arn), t.Region, acct, probeTable),
			Account: acct, Region: t.Region, Stack: "probe", Logical: "table-account-table",
			Probe:  "another table in the table's account whose policy allows the writers dynamodb:*",
			Policy: policy,
		})
	}
	return out
}

var tableArnRegion = regexp.MustCompile(`^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):`)

func regionOfTable(arn string) string {
	if m := tableArnRegion.FindStringSubmatch(arn); m != nil {
		return m[1]
	}
	return ""
}

func roleArnIn(partition, account, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, name)
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

// allowedBy names the statements that allow a request.
func (d Decision) allowedBy() string {
	var parts []string
	if len(d.IdentityAllows) > 0 {
		parts = append(parts, "identity "+joinLocations(d.IdentityAllows))
	}
	if len(d.ResourceAllows) > 0 {
		policy := "table policy "
		if d.ResourceAllows[0].Policy == "KeyPolicy" {
			policy = "key policy "
		}
		parts = append(parts, policy+joinLocations(d.ResourceAllows))
	}
	return strings.Join(parts, " + ")
}

// why says why a request is denied; policy names the resource policy
// ("table policy" or "key policy").
func (d Decision) why(policy string) string {
	switch {
	case d.CrossPartition:
		return "the caller and the table are in different partitions, and no access crosses partitions"
	case len(d.Denies) > 0:
		return "explicitly denied by " + joinLocations(d.Denies)
	case len(d.IdentityAllows) == 0 && len(d.ResourceAllows) == 0:
		return "no identity policy and no " + policy + " allows it"
	case len(d.IdentityAllows) == 0 && !d.CrossAccount && d.AccountOnly:
		return "the " + policy + " names only the caller's account (" + joinLocations(d.ResourceAllows) + "), which leaves it to identity policies, and none allows it"
	case len(d.IdentityAllows) == 0:
		return "the " + policy + " allows it (" + joinLocations(d.ResourceAllows) + ") but no identity policy does, and cross-account access needs both"
	default:
		return "the identity policy allows it (" + joinLocations(d.IdentityAllows) + ") but the " + policy + " does not, and cross-account access needs both"
	}
}

func joinLocations(ls []Location) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = l.String()
	}
	return strings.Join(s, ", ")
}

// tableActions are the actions IAM defines on a DynamoDB table or index,
// from the Service Authorization Reference (package iamactions).
var tableActions = slices.Compact(slices.Sorted(slices.Values(append(
	iamactions.On(iamactions.DynamoDB, "table"), iamactions.On(iamactions.DynamoDB, "index")...))))

// keyActions are the KMS actions evaluated on each key.
func keyActions(m *Model) []string {
	return unlisted(m, "kms", iamactions.On(iamactions.KMS, "key"))
}

// unlisted returns listed, plus a witness for each action pattern of the
// service that a statement of the model names and that matches none of
// listed: an action IAM does not list today is still evaluated, under the
// name the pattern gives it (its wildcards filled).
func unlisted(m *Model, service string, listed []string) []string {
	out := slices.Clone(listed)
	var policies [][]Statement
	for _, t := range m.Tables {
		policies = append(policies, t.Policy)
	}
	for _, k := range m.Keys {
		policies = append(policies, k.Policy)
	}
	for _, r := range m.Roles {
		policies = append(policies, r.Statements)
	}
	for _, policy := range policies {
		for _, st := range policy {
			for _, pattern := range append(slices.Clone(st.Actions), st.NotActions...) {
				svc, _, _ := strings.Cut(pattern, ":")
				if !strings.EqualFold(svc, service) || anyMatchesPattern(pattern, out) {
					continue
				}
				out = append(out, service+":"+fillPattern(strings.SplitN(pattern, ":", 2)[1], "AccessCheckWitness"))
			}
		}
	}
	return out
}

func anyMatchesPattern(pattern string, actions []string) bool {
	for _, a := range actions {
		if wildcardMatch(pattern, a, true) {
			return true
		}
	}
	return false
}
