package access

import (
	"fmt"
	"sort"
	"strings"
)

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
