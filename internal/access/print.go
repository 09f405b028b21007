package access

import (
	"fmt"
	"io"
	"strings"
)

// Cell codes of the printed matrix.
const (
	codeAllowed  = "ALLOW"    // allowed, and declared
	codeExtra    = "EXTRA!"   // allowed, not declared
	codeMissing  = "MISSING!" // declared, not allowed
	codeDeny     = "DENY"     // an explicit Deny matches
	codeIdentity = "id"       // only the identity policy allows
	codeResource = "tbl"      // only the table (or key) policy allows
	codeNone     = "."        // nothing allows
)

const legend = `Each cell is one request: principal (column), action (row), table (block).
  ALLOW     allowed, and declared in the configuration
  EXTRA!    allowed but not declared: the check fails
  MISSING!  declared but denied: the check fails
  DENY      denied by an explicit Deny
  id        denied: only the caller's identity policy allows it, and across accounts the table (or key) policy must allow it too
  tbl       denied: only the table (or key) policy allows it, and the caller's identity policy does not
  .         denied: no policy allows it
Probe principals and probe tables are made up by the check to show who else could get in:
witnesses of every kind of principal the table, key, trust and function policies can admit
(each account, ARN or pattern, organization and path their principals and conditions name,
and an account no template uses), other roles of the writers' accounts, and roles of the
table's account.
Below each table, its indexes: the same requests on a made-up index of the table. No index
access is declared, so any allowed index request fails the check.
A table encrypted with a customer-managed key adds a block for the key: each KMS action made
through DynamoDB in the key's region (kms:ViaService) and made directly.
After the tables and keys: who can act as each role with access, through its trust policy
or a function that runs as it (its permissions, its event sources); each one the
configuration does not declare gets all of the role's access, as extra access.
Not shown: the table account's root user and its other IAM principals, which that account's own identity policies govern.
`

// Print writes the matrix a reviewer reads at a glance: one block per table,
// actions down, principals across, then the statements behind every allowed
// or explicitly denied cell, a summary of the requests on the table's
// indexes, then the differences from the declared grants.
func (x *Matrix) Print(w io.Writer) error {
	p := &printer{w: w}
	p.printf("Principals\n")
	for si, s := range x.Subjects {
		p.printf("  [%d] %-58s %s\n", si+1, s.Arn, s.Label)
	}
	p.printf("\n%s\n", legend)
	for ti := range x.Tables {
		p.printTable(x, ti)
	}
	p.printKeys(x)
	p.printPaths(x)
	for _, u := range x.Unknown {
		p.printf("CANNOT CHECK: %s\n", u)
	}
	if len(x.Differences) == 0 {
		n := 0
		for ti := range x.Expected {
			for si := range x.Expected[ti] {
				for _, e := range x.Expected[ti][si] {
					if e {
						n++
					}
				}
			}
		}
		for ki := range x.KeyExpected {
			for si := range x.KeyExpected[ki] {
				for _, e := range x.KeyExpected[ki][si] {
					if e[viaDynamoDB] {
						n++
					}
				}
			}
		}
		p.printf("OK: the allowed cells are exactly the %d declared (principal, action, table) triples.\n", n)
		return p.err
	}
	p.printf("FAIL: %d differences from the declared grants:\n", len(x.Differences))
	for _, d := range x.Differences {
		p.printf("  %s\n", d)
	}
	return p.err
}

// printTable writes table ti's block: actions down, principals across, the
// statements behind each allowed or denied cell, and its indexes.
func (p *printer) printTable(x *Matrix, ti int) {
	t := x.Tables[ti]
	var rows []int
	for si, s := range x.Subjects {
		if t.Probe == "" || !s.Probe {
			rows = append(rows, si)
		}
	}
	if t.Probe != "" {
		if !x.anyAllowedOrDeclared(ti) {
			p.printf("Table %s (probe: %s): every action on it and its indexes denied to [%s].\n\n", t.Arn, t.Probe, rowList(rows))
			return
		}
		p.printf("Table %s (probe: %s)\n", t.Arn, t.Probe)
	} else {
		p.printf("Table %s (%s/%s)\n", t.Arn, t.Stack, t.Logical)
		if t.Policy == nil {
			p.printf("  (no resource policy)\n")
		}
	}
	const width = 9
	p.printf("  %-42s", "action")
	for _, si := range rows {
		p.printf("%*s", width, fmt.Sprintf("[%d]", si+1))
	}
	p.printf("\n")
	for ai, a := range x.Actions {
		p.printf("  %-42s", a)
		for _, si := range rows {
			p.printf("%*s", width, cellCode(x.Cells[ti][si][ai], x.Expected[ti][si][ai]))
		}
		p.printf("\n")
	}
	p.printf("\n")
	notes := 0
	for _, si := range rows {
		for ai, a := range x.Actions {
			d := x.Cells[ti][si][ai]
			switch {
			case d.Allowed:
				p.printf("  [%d] %s allowed by %s\n", si+1, a, d.allowedBy())
				notes++
			case len(d.Denies) > 0:
				p.printf("  [%d] %s denied by %s\n", si+1, a, joinLocations(d.Denies))
				notes++
			}
		}
	}
	if notes == 0 {
		p.printf("  no principal is allowed any action on this table\n")
	}
	p.printIndex(x, ti, rows)
	p.printf("\n")
}

func (x *Matrix) anyAllowedOrDeclared(ti int) bool {
	for si := range x.Subjects {
		for ai := range x.Actions {
			if x.Cells[ti][si][ai].Allowed || x.Expected[ti][si][ai] || len(x.Cells[ti][si][ai].Denies) > 0 {
				return true
			}
			if index := x.IndexCells[ti][si][ai]; index.Allowed || len(index.Denies) > 0 {
				return true
			}
		}
	}
	return false
}

// printIndex summarises the requests on table ti's probe index: one line
// when none is allowed or explicitly denied, else one line for each that is.
func (p *printer) printIndex(x *Matrix, ti int, rows []int) {
	label := "Indexes of this table (probe index " + probeIndex + ")"
	var lines []string
	for _, si := range rows {
		for ai, a := range x.Actions {
			switch d := x.IndexCells[ti][si][ai]; {
			case d.Allowed:
				lines = append(lines, fmt.Sprintf("[%d] %s %s allowed by %s", si+1, a, codeExtra, d.allowedBy()))
			case len(d.Denies) > 0:
				lines = append(lines, fmt.Sprintf("[%d] %s denied by %s", si+1, a, joinLocations(d.Denies)))
			}
		}
	}
	if len(lines) == 0 {
		p.printf("  %s: every action denied to [%s].\n", label, rowList(rows))
		return
	}
	p.printf("  %s:\n", label)
	for _, l := range lines {
		p.printf("    %s\n", l)
	}
}

func rowList(rows []int) string {
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = fmt.Sprint(r + 1)
	}
	return strings.Join(s, " ")
}

func cellCode(d Decision, declared bool) string {
	switch {
	case d.Allowed && declared:
		return codeAllowed
	case d.Allowed:
		return codeExtra
	case declared:
		return codeMissing
	case len(d.Denies) > 0:
		return codeDeny
	case len(d.IdentityAllows) > 0:
		return codeIdentity
	case len(d.ResourceAllows) > 0:
		return codeResource
	default:
		return codeNone
	}
}

// printer keeps the first write error, for Print to return.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// printPaths lists who can act as each role with access, declared or not.
func (p *printer) printPaths(x *Matrix) {
	p.printf("Who can act as a role with access (its trust policy, the functions that run as it and what feeds them):\n")
	if len(x.Paths) == 0 {
		p.printf("  no one\n\n")
		return
	}
	for _, path := range x.Paths {
		what := "EXTRA!"
		switch {
		case path.Declared && strings.HasPrefix(path.Principal, "whoever can send to "):
			what = "declared: the writer's queue feeds its function (who may send is up to the writer account's identity policies)"
		case path.Declared:
			what = "declared: the writer's function runs as the role"
		}
		p.printf("  %s via %s: %s\n", path.Principal, path.Via, what)
	}
	p.printf("\n")
}
