package access

import (
	"fmt"
	"slices"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// checkCoverage fails closed on each Allow statement of a resource policy
// (table, key, trust or function policy) that admits none of the
// principals the check evaluates: the witnesses are built to meet every
// pattern a statement names, so one that none meets is one the check
// cannot tell whom it admits.
func (x *Matrix) checkCoverage(m *Model, candidates []Subject) {
	for _, p := range m.resourcePolicies() {
		for _, st := range p.statements {
			if st.Effect != Allow || slices.ContainsFunc(candidates, func(s Subject) bool { return st.admitsCaller(s.Principal, p.partition) }) {
				continue
			}
			x.Unknown = append(x.Unknown, fmt.Sprintf("%s admits none of the principals the check can make up for its Principal and conditions, so it cannot tell whom the statement admits", st.Where))
		}
	}
}

// resourcePolicy is one resource policy of the model, with the partition
// of its resource.
type resourcePolicy struct {
	partition  string
	statements []Statement
}

// resourcePolicies are every resource policy of the model: each table's,
// each key's, each role's trust policy, each function's and each queue's.
// Whoever one admits may reach a table, so the witnesses are read from all
// of them, and each of their Allow statements must admit a witness.
func (m *Model) resourcePolicies() []resourcePolicy {
	var out []resourcePolicy
	add := func(arn string, statements []Statement) {
		out = append(out, resourcePolicy{arns.Partition(arn), statements})
	}
	for _, t := range m.Tables {
		add(t.Arn, t.Policy)
	}
	for _, k := range m.Keys {
		add(k.Arn, k.Policy)
	}
	for _, r := range m.Roles {
		add(r.Arn, r.Trust)
	}
	for _, f := range m.Functions {
		add(f.Arn, f.Policy)
	}
	for _, q := range m.Queues {
		add(q.Arn, q.Policy)
	}
	return out
}
