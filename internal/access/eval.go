package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// Principal is the caller of a request: an IAM role (or user) or an
// account's root user.
type Principal struct {
	// Arn is the value of aws:PrincipalArn: a role ARN, or
	// arn:<partition>:iam::<account>:root for the root user.
	Arn string
	// Account is the value of aws:PrincipalAccount.
	Account string
	// OrgID is the value of aws:PrincipalOrgID; "" when the account is in no
	// organization.
	OrgID string
	// OrgPaths is the value of aws:PrincipalOrgPaths.
	OrgPaths []string
	// ServiceFor is set when the caller is an AWS service acting for this
	// account (aws:SourceAccount) rather than an IAM principal; Arn then
	// only labels it.
	ServiceFor string
	// Service is the service principal's name ("lambda.amazonaws.com")
	// when the caller is a service that a policy names; "" for a service
	// that only a Principal of anyone admits.
	Service string
	// Federated is the identity provider of a caller that is a federated
	// user (AssumeRoleWithWebIdentity or AssumeRoleWithSAML); Arn then only
	// labels it.
	Federated string
}

// isIAM reports whether the principal is an IAM principal (a role, a
// user, a session or a root user) rather than a service or a federated
// user of an identity provider.
func (p Principal) isIAM() bool { return p.ServiceFor == "" && p.Service == "" && p.Federated == "" }

// IsRoot reports whether the principal is an account's root user.
func (p Principal) IsRoot() bool { return strings.HasSuffix(p.Arn, ":root") }

// Request is one call to evaluate.
type Request struct {
	Principal Principal
	// Action is the full action name, such as "dynamodb:PutItem".
	Action string
	// Resource is the ARN of the table (or index) the action is on.
	Resource string
	// ResourceAccount is the account that owns Resource.
	ResourceAccount string
	// ViaService, for a KMS request, is the endpoint of the service that
	// makes it on the caller's behalf (kms:ViaService); "" for a direct
	// request.
	ViaService string
}

// Decision is the outcome of evaluating a request, with the statements that
// led to it.
type Decision struct {
	Allowed bool
	// Denies are the matching Deny statements; any one denies the request.
	Denies []Location
	// IdentityAllows are the matching Allow statements of the caller's
	// identity policies. The root user's implicit full access in its own
	// account counts as one.
	IdentityAllows []Location
	// ResourceAllows are the matching Allow statements of the resource
	// policy.
	ResourceAllows []Location
	// CrossAccount is true when the caller and the resource are in
	// different accounts, so both sides must allow.
	CrossAccount bool
	// AccountOnly is true when every resource-policy allow names the caller
	// only through its account, which delegates to the account's identity
	// policies and grants nothing on its own.
	AccountOnly bool
	// CrossPartition is true when the caller and the resource are in
	// different partitions (aws, aws-cn, ...): no policy can allow that.
	CrossPartition bool
}

// rootAccess stands for the root user's access to everything its account
// can do, which no identity policy grants or restricts.
var rootAccess = Location{Stack: implicitStack, Resource: "the root user's implicit full access"}

// implicitStack marks a Location that stands for access no statement grants.
const implicitStack = "implicit"

// Evaluate applies IAM's policy evaluation logic to one request:
// an explicit Deny anywhere wins; within one account an Allow from either
// the identity policies or the resource policy suffices (but a resource
// policy naming only the account delegates to the identity policies);
// across accounts both must allow. Partitions are separate: a caller never
// reaches a resource of another partition, whatever the policies say.
//
// identity holds the statements of every policy attached to the caller;
// resource holds the resource policy's statements (none when the resource
// has no policy).
func Evaluate(req Request, identity, resource []Statement) Decision {
	var d Decision
	resourcePartition := arns.Partition(req.Resource)
	if !req.Principal.isIAM() {
		return evaluateService(req, resource)
	}
	if arns.Partition(req.Principal.Arn) != resourcePartition {
		d.CrossPartition = true
		return d
	}
	ctx := requestContext(req)
	if req.Principal.IsRoot() {
		d.IdentityAllows = append(d.IdentityAllows, rootAccess)
	}
	for _, st := range identity {
		if !st.appliesTo(req, ctx) {
			continue
		}
		if st.Effect == Deny {
			d.Denies = append(d.Denies, st.at(req.Action))
		} else {
			d.IdentityAllows = append(d.IdentityAllows, st.at(req.Action))
		}
	}
	direct := false
	for _, st := range resource {
		match := st.principalMatch(req.Principal, resourcePartition)
		if match == noMatch || !st.appliesTo(req, ctx) {
			continue
		}
		if st.Effect == Deny {
			d.Denies = append(d.Denies, st.at(req.Action))
			continue
		}
		d.ResourceAllows = append(d.ResourceAllows, st.at(req.Action))
		if match == directMatch {
			direct = true
		}
	}
	d.AccountOnly = len(d.ResourceAllows) > 0 && !direct
	d.CrossAccount = req.Principal.Account != req.ResourceAccount
	identityAllows := len(d.IdentityAllows) > 0
	switch {
	case len(d.Denies) > 0:
		d.Allowed = false
	case !d.CrossAccount:
		d.Allowed = identityAllows || direct
	default:
		d.Allowed = identityAllows && len(d.ResourceAllows) > 0
	}
	return d
}

// evaluateService decides a request of an AWS service principal or of a
// federated user: neither has identity policies, so only a resource-policy
// statement that names it, or whose principal is anyone, can let it in.
func evaluateService(req Request, resource []Statement) Decision {
	var d Decision
	p := req.Principal
	ctx := map[string][]string{}
	if p.ServiceFor != "" {
		ctx["aws:SourceAccount"] = []string{p.ServiceFor}
	}
	for _, st := range resource {
		if !slices.ContainsFunc(st.Principals, p.namedBy) || !st.appliesTo(req, ctx) {
			continue
		}
		if st.Effect == Deny {
			d.Denies = append(d.Denies, st.at(req.Action))
		} else {
			d.ResourceAllows = append(d.ResourceAllows, st.at(req.Action))
		}
	}
	d.CrossAccount = true
	d.Allowed = len(d.Denies) == 0 && len(d.ResourceAllows) > 0
	return d
}

// requestContext holds the condition keys the check supports, by canonical
// name; a key the request does not carry is absent.
func requestContext(req Request) map[string][]string {
	p := req.Principal
	ctx := map[string][]string{
		"aws:PrincipalArn":     {p.Arn},
		"aws:PrincipalAccount": {p.Account},
	}
	if strings.HasPrefix(req.Action, "kms:") {
		ctx["kms:CallerAccount"] = []string{p.Account}
		if req.ViaService != "" {
			ctx["kms:ViaService"] = []string{req.ViaService}
		}
	}
	if p.OrgID != "" {
		ctx["aws:PrincipalOrgID"] = []string{p.OrgID}
	}
	if len(p.OrgPaths) > 0 {
		ctx["aws:PrincipalOrgPaths"] = p.OrgPaths
	}
	return ctx
}

type principalMatchKind int

const (
	noMatch principalMatchKind = iota
	accountMatch
	directMatch
)

// principalMatch says how the statement's Principal names p, for a policy on
// a resource of resourcePartition. An account named by its root ARN is that
// account in the ARN's partition only.
func (st Statement) principalMatch(p Principal, resourcePartition string) principalMatchKind {
	best := noMatch
	for _, pp := range st.Principals {
		partition := pp.partition
		if partition == "" {
			partition = resourcePartition
		}
		switch {
		case pp.anyone:
			return directMatch
		case pp.arn != "" && pp.arn == p.Arn:
			return directMatch
		case pp.account != "" && pp.account == p.Account && partition == arns.Partition(p.Arn):
			best = accountMatch
		}
	}
	return best
}

func (st Statement) appliesTo(req Request, ctx map[string][]string) bool {
	if st.Actions != nil && !anyMatch(st.Actions, req.Action, true) {
		return false
	}
	if st.NotActions != nil && anyMatch(st.NotActions, req.Action, true) {
		return false
	}
	resources, notResources := st.Resources, st.NotResources
	if st.Principals != nil {
		// In a table's resource policy "*" means the table and its indexes;
		// the policy only ever applies to requests on its own table.
		resources = replaceStar(resources, req.Resource)
		notResources = replaceStar(notResources, req.Resource)
	}
	if resources != nil && !anyMatch(resources, req.Resource, false) {
		return false
	}
	if notResources != nil && anyMatch(notResources, req.Resource, false) {
		return false
	}
	for _, c := range st.Conditions {
		if !c.holds(ctx[c.key]) {
			return false
		}
	}
	return true
}

func replaceStar(patterns []string, resource string) []string {
	if patterns == nil {
		return nil
	}
	out := make([]string, len(patterns))
	for i, p := range patterns {
		if p == "*" {
			p = resource
		}
		out[i] = p
	}
	return out
}

func anyMatch(patterns []string, value string, foldCase bool) bool {
	for _, p := range patterns {
		if wildcardMatch(p, value, foldCase) {
			return true
		}
	}
	return false
}

// callerKeys are the condition keys that say who calls, as opposed to how
// (kms:ViaService) or on what.
var callerKeys = map[string]bool{
	"aws:PrincipalArn": true, "aws:PrincipalAccount": true, "aws:PrincipalOrgID": true,
	"aws:PrincipalOrgPaths": true, "aws:SourceAccount": true, "kms:CallerAccount": true,
}

// admitsCaller reports whether the resource-policy statement st names p
// (its Principal matches and every condition on who calls holds), whatever
// the action and resource.
func (st Statement) admitsCaller(p Principal, resourcePartition string) bool {
	var ctx map[string][]string
	if p.isIAM() {
		if st.principalMatch(p, resourcePartition) == noMatch {
			return false
		}
		ctx = requestContext(Request{Principal: p, Action: "kms:Decrypt"})
	} else {
		if !slices.ContainsFunc(st.Principals, p.namedBy) {
			return false
		}
		ctx = map[string][]string{}
		if p.ServiceFor != "" {
			ctx["aws:SourceAccount"] = []string{p.ServiceFor}
		}
	}
	for _, c := range st.Conditions {
		if callerKeys[c.key] && !c.holds(ctx[c.key]) {
			return false
		}
	}
	return true
}

// namedBy reports whether a Principal entry names the service or
// federated caller p.
func (p Principal) namedBy(pp principalPattern) bool {
	return pp.anyone ||
		(p.Service != "" && strings.EqualFold(pp.service, p.Service)) ||
		(p.Federated != "" && pp.federated == p.Federated)
}

// at is the statement's location in a decision on action: with the
// Action pattern that matched it, or its NotAction, when the statement
// does not name the action itself.
func (st Statement) at(action string) Location {
	l := st.Where
	for _, p := range st.Actions {
		if wildcardMatch(p, action, true) {
			if !strings.EqualFold(p, action) {
				l.Matched = fmt.Sprintf("Action %q", p)
			}
			return l
		}
	}
	if st.NotActions != nil {
		l.Matched = fmt.Sprintf("NotAction %q", strings.Join(st.NotActions, ", "))
	}
	return l
}
