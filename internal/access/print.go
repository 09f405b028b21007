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
	codeResource = "tbl"      // only the table policy allows
	codeNone     = "."        // nothing allows
)

// Print writes the matrix a reviewer reads at a glance: one block per table,
// actions down, principals across, then the statements behind every allowed
// or explicitly denied cell, then the differences from the declared grants.
func (x *Matrix) Print(w io.Writer) error {
	p := &printer{w: w}
	for ti, t := range x.Tables {
		p.printf("Table %s (%s/%s)\n", t.Arn, t.Stack, t.Logical)
		if t.Policy == nil {
			p.printf("  (no resource policy)\n")
		}
		p.printf("\n")
		for si, s := range x.Subjects {
			p.printf("  [%d] %-60s %s\n", si+1, s.Arn, s.Label)
		}
		p.printf("\n")
		width := 9
		p.printf("  %-44s", "action")
		for si := range x.Subjects {
			p.printf("%*s", width, fmt.Sprintf("[%d]", si+1))
		}
		p.printf("\n")
		for ai, a := range x.Actions {
			p.printf("  %-44s", a)
			for si := range x.Subjects {
				p.printf("%*s", width, cellCode(x.Cells[ti][si][ai], x.Expected[ti][si][ai]))
			}
			p.printf("\n")
		}
		p.printf("\n")
		var notes []string
		for si := range x.Subjects {
			for ai, a := range x.Actions {
				d := x.Cells[ti][si][ai]
				switch {
				case d.Allowed:
					notes = append(notes, fmt.Sprintf("  [%d] %s allowed by %s", si+1, a, d.allowedBy()))
				case len(d.Denies) > 0:
					notes = append(notes, fmt.Sprintf("  [%d] %s denied by %s", si+1, a, joinLocations(d.Denies)))
				}
			}
		}
		if len(notes) == 0 {
			p.printf("  no principal is allowed any action on this table\n")
		} else {
			p.printf("%s\n", strings.Join(notes, "\n"))
		}
		p.printf("\n")
	}
	p.printf("Legend: ALLOW allowed and declared; EXTRA! allowed but not declared; MISSING! declared but denied;\n")
	p.printf("        DENY an explicit Deny matches; id only an identity policy allows (cross-account: denied);\n")
	p.printf("        tbl only the table policy allows, without an identity policy or only through the account; . nothing allows.\n")
	p.printf("        The table account's root user and IAM principals it grants dynamodb:* are not shown.\n\n")
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
		p.printf("OK: the allowed cells are exactly the %d declared (principal, action, table) triples.\n", n)
		return p.err
	}
	p.printf("FAIL: %d differences from the declared grants:\n", len(x.Differences))
	for _, d := range x.Differences {
		p.printf("  %s\n", d)
	}
	return p.err
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
