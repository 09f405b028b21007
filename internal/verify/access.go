package verify

import (
	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// checkAccess evaluates the live policies with the offline access check:
// the live table policy, the identity and trust policies of every writer
// role that could be read, and the resource policies, event source
// mappings and URLs of the functions that run as them, against the grants
// the configuration declares. It prints the same matrix as cmd/access.
func (v *verifier) checkAccess(table *access.Table, writers []*liveWriter) {
	model := &access.Model{Tables: []*access.Table{table}, Source: "the deployed accounts (its role was not found, or could not be read)"}
	for _, w := range writers {
		if w.role != nil {
			model.Roles = append(model.Roles, w.role)
		}
		model.Functions = append(model.Functions, w.access...)
	}
	matrix := access.Check(model, v.cfg.Grants())
	if err := matrix.Print(v.out); err != nil {
		v.cannot("print the access matrix: %v", err)
		return
	}
	for _, u := range matrix.Unknown {
		v.cannot("the access check cannot bound the live access: %s", u)
	}
	if len(matrix.Differences) == 0 {
		v.ok("the live policies allow exactly the %d declared (principal, action, table) triples", declaredCount(v.cfg.Grants()))
		return
	}
	for _, d := range matrix.Differences {
		v.fail("live access differs from the declared access: %s", d)
	}
}

func declaredCount(grants []config.Grant) int {
	n := 0
	for _, g := range grants {
		n += len(g.Actions)
	}
	return n
}
