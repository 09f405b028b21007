package access

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Location says where a policy statement comes from.
type Location struct {
	// Stack and Resource name the template resource ("WriterStack",
	// "WriterRoleDefaultPolicy1A2B3C4D"); Resource is a label such as
	// "probe" for the synthetic policies of probe principals.
	Stack, Resource string
	// Policy is the path of the policy document inside the resource, such as
	// "Replicas[0].ResourcePolicy".
	Policy string
	// Index is the statement's position in the policy, from 0.
	Index int
	// Sid is the statement's Sid, if any.
	Sid string
	// Matched is, in a decision, the pattern of the statement's Action (or
	// NotAction) that let it apply to the request's action, when that is
	// not the action itself.
	Matched string
}

func (l Location) String() string {
	if l.Stack == implicitStack {
		return l.Resource
	}
	s := l.Stack + "/" + l.Resource
	if l.Policy != "" {
		s += " " + l.Policy
	}
	s += fmt.Sprintf(" statement %d", l.Index)
	if l.Sid != "" {
		s += fmt.Sprintf(" (Sid %q)", l.Sid)
	}
	if l.Matched != "" {
		s += " by " + l.Matched
	}
	return s
}

// Effect is a statement's effect.
type Effect int

// The two effects a statement can have.
const (
	Allow Effect = iota
	Deny
)

// Kind says whether a policy is attached to an identity or to a resource.
type Kind int

// The kinds of policy the check evaluates.
const (
	// IdentityPolicy is attached to a role.
	IdentityPolicy Kind = iota
	// ResourcePolicy is a table's or a key's policy: AWS principals only,
	// every condition key known.
	ResourcePolicy
	// TrustPolicy is a role's trust policy: who may become the role. It
	// may name AWS, Service and Federated principals.
	TrustPolicy
	// FunctionPolicy is a Lambda function's resource policy: who may
	// invoke or change the function. It may name AWS and Service
	// principals.
	FunctionPolicy
	// QueuePolicy is an SQS queue's policy: who may send to the queue (and
	// so make a function it feeds act). It may name AWS and Service
	// principals.
	QueuePolicy
)

// lenient reports whether a policy of this kind may carry condition keys
// the check does not know. Such a condition is taken to hold in an Allow
// statement and not to hold in a Deny statement: either way the statement
// is read as letting in at least whom it lets in, so the check may report
// more access than there is, never less.
func (k Kind) lenient() bool { return k == TrustPolicy || k == FunctionPolicy || k == QueuePolicy }

// Statement is one parsed and validated policy statement.
type Statement struct {
	Where  Location
	Effect Effect
	// Exactly one of Actions and NotActions is set.
	Actions, NotActions []string
	// Exactly one of Resources and NotResources is set.
	Resources, NotResources []string
	// Principals is set for resource policies only.
	Principals []principalPattern
	Conditions []condition
}

// ParsePolicy validates a policy document whose intrinsics are already
// resolved. Anything it does not understand is an error that names the
// element and where it is.
func ParsePolicy(doc any, kind Kind, where Location) ([]Statement, error) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s/%s %s: policy document is %s, want an object", where.Stack, where.Resource, where.Policy, describe(doc))
	}
	for k, v := range m {
		switch k {
		case "Version":
			if v != "2012-10-17" && v != "2008-10-17" {
				return nil, fmt.Errorf("%s/%s %s: Version %s is not a policy language version", where.Stack, where.Resource, where.Policy, describe(v))
			}
		case "Id", "Statement":
		default:
			return nil, fmt.Errorf("%s/%s %s: unknown policy element %q", where.Stack, where.Resource, where.Policy, k)
		}
	}
	var raw []any
	switch s := m["Statement"].(type) {
	case []any:
		raw = s
	case map[string]any:
		raw = []any{s}
	default:
		return nil, fmt.Errorf("%s/%s %s: Statement is %s, want a list or an object", where.Stack, where.Resource, where.Policy, describe(m["Statement"]))
	}
	out := make([]Statement, 0, len(raw))
	for i, r := range raw {
		loc := where
		loc.Index = i
		st, err := parseStatement(r, kind, loc)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func parseStatement(raw any, kind Kind, loc Location) (Statement, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return Statement{}, fmt.Errorf("%s: statement is %s, want an object", loc, describe(raw))
	}
	if sid, ok := m["Sid"].(string); ok {
		loc.Sid = sid
	}
	st := Statement{Where: loc}
	fail := func(format string, args ...any) (Statement, error) {
		return Statement{}, fmt.Errorf("%s: %s", loc, fmt.Sprintf(format, args...))
	}
	for k := range m {
		switch k {
		case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition":
		case "Principal":
			if kind == IdentityPolicy {
				return fail("Principal is not allowed in an identity policy")
			}
		case "NotPrincipal":
			return fail("NotPrincipal is not supported")
		default:
			return fail("unknown statement element %q", k)
		}
	}
	if v, ok := m["Sid"]; ok {
		if _, isString := v.(string); !isString {
			return fail("Sid is %s, want a string", describe(v))
		}
	}
	switch m["Effect"] {
	case "Allow":
		st.Effect = Allow
	case "Deny":
		st.Effect = Deny
	default:
		return fail("Effect is %s, want \"Allow\" or \"Deny\"", describe(m["Effect"]))
	}
	var err error
	if st.Actions, st.NotActions, err = oneOf(m, "Action", "NotAction", validAction); err != nil {
		return fail("%v", err)
	}
	_, hasResource := m["Resource"]
	_, hasNotResource := m["NotResource"]
	if kind == TrustPolicy && !hasResource && !hasNotResource {
		// A trust policy is about its own role, and names no resource.
		st.Resources = []string{"*"}
	} else if st.Resources, st.NotResources, err = oneOf(m, "Resource", "NotResource", validResource); err != nil {
		return fail("%v", err)
	}
	if kind != IdentityPolicy {
		p, ok := m["Principal"]
		if !ok {
			return fail("Principal is missing from a resource policy statement")
		}
		if st.Principals, err = parsePrincipal(p, kind); err != nil {
			return fail("%v", err)
		}
	}
	if c, ok := m["Condition"]; ok {
		if st.Conditions, err = parseConditions(c, kind.lenient(), st.Effect == Allow); err != nil {
			return fail("%v", err)
		}
	}
	return st, nil
}

// oneOf reads exactly one of two alternative elements such as Action and
// NotAction, each a string or a non-empty list of strings.
func oneOf(m map[string]any, name, notName string, valid func(string) error) (pos, neg []string, err error) {
	v, hasPos := m[name]
	nv, hasNeg := m[notName]
	switch {
	case hasPos && hasNeg:
		return nil, nil, fmt.Errorf("both %s and %s are set", name, notName)
	case hasPos:
		pos, err = stringList(v, name, valid)
	case hasNeg:
		neg, err = stringList(nv, notName, valid)
	default:
		err = fmt.Errorf("%s (or %s) is missing", name, notName)
	}
	return pos, neg, err
}

func stringList(v any, name string, valid func(string) error) ([]string, error) {
	var out []string
	switch v := v.(type) {
	case string:
		out = []string{v}
	case []any:
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s[%d] is %s, want a string", name, i, describe(e))
			}
			out = append(out, s)
		}
	default:
		return nil, fmt.Errorf("%s is %s, want a string or a list of strings", name, describe(v))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s is an empty list", name)
	}
	for _, s := range out {
		if err := valid(s); err != nil {
			return nil, fmt.Errorf("%s %q: %v", name, s, err)
		}
	}
	return out, nil
}

var actionPattern = regexp.MustCompile(`^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$`)

func validAction(s string) error {
	if s == "*" || actionPattern.MatchString(s) {
		return nil
	}
	return fmt.Errorf("want \"*\" or service:Action")
}

func validResource(s string) error {
	if strings.Contains(s, "${") {
		return fmt.Errorf("policy variables are not supported")
	}
	if s == "*" || strings.HasPrefix(s, "arn:") || strings.HasPrefix(s, "{") {
		return nil
	}
	return fmt.Errorf("want \"*\" or an ARN")
}

// principalPattern is one entry of a resource policy's Principal.
type principalPattern struct {
	// anyone is Principal "*" or {"AWS": "*"}.
	anyone bool
	// account is set when the entry names a whole account (its root ARN or
	// its bare id): it delegates to that account's identity policies.
	account string
	// partition is the partition of a root ARN; "" for a bare account id,
	// which names the account in the resource's partition.
	partition string
	// arn is set when the entry names one IAM role or user.
	arn string
	// service is set when the entry names an AWS service principal, such
	// as "lambda.amazonaws.com" (trust and function policies only).
	service string
	// federated is set when the entry names an identity provider (trust
	// policies only): an OIDC or SAML provider ARN, or a web identity
	// provider such as "cognito-identity.amazonaws.com".
	federated string
}

var (
	accountID    = regexp.MustCompile(`^[0-9]{12}$`)
	rootArn      = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::([0-9]{12}):root$`)
	principalArn = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[^*?]+$`)
	sessionArn   = regexp.MustCompile(`^arn:aws[a-z-]*:sts::`)
)

// principalTypes are the Principal types each kind of resource policy may
// name. DynamoDB rejects service principals in a table policy, and a key
// policy naming one is outside what the check evaluates.
var principalTypes = map[Kind][]string{
	ResourcePolicy: {"AWS"},
	TrustPolicy:    {"AWS", "Service", "Federated"},
	FunctionPolicy: {"AWS", "Service"},
	QueuePolicy:    {"AWS", "Service"},
}

func parsePrincipal(v any, kind Kind) ([]principalPattern, error) {
	if v == "*" {
		return []principalPattern{{anyone: true}}, nil
	}
	if s, isString := v.(string); isString && kind == FunctionPolicy {
		// A Lambda permission's Principal is one string: an account, an
		// IAM ARN or a service, and some readers of function policies
		// return it as written.
		v = lambdaPrincipal(s)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Principal is %s, want \"*\" or {\"AWS\": ...}", describe(v))
	}
	var out []principalPattern
	for _, k := range sortedKeys(m) {
		val := m[k]
		if !slices.Contains(principalTypes[kind], k) {
			return nil, fmt.Errorf("Principal type %q is not supported here (only %s)", k, quoteAll(principalTypes[kind]))
		}
		list, err := stringList(val, "Principal."+k, func(string) error { return nil })
		if err != nil {
			return nil, err
		}
		if k != "AWS" {
			for _, s := range list {
				if strings.ContainsAny(s, "*?") {
					return nil, fmt.Errorf("Principal.%s %q: a wildcard is not a %s principal", k, s, strings.ToLower(k))
				}
				if k == "Service" {
					out = append(out, principalPattern{service: s})
				} else {
					out = append(out, principalPattern{federated: s})
				}
			}
			continue
		}
		for _, s := range list {
			switch {
			case s == "*":
				out = append(out, principalPattern{anyone: true})
			case accountID.MatchString(s):
				out = append(out, principalPattern{account: s})
			case rootArn.MatchString(s):
				m := rootArn.FindStringSubmatch(s)
				out = append(out, principalPattern{partition: m[1], account: m[2]})
			case principalArn.MatchString(s):
				out = append(out, principalPattern{arn: s})
			case sessionArn.MatchString(s):
				// The check's callers are roles, never their sessions: a
				// statement on a session would never apply.
				return nil, fmt.Errorf("Principal.AWS %q: a role session is not supported as a principal; name the role or its account", s)
			default:
				return nil, fmt.Errorf("Principal.AWS %q: want \"*\", an account id, an account root ARN or a role or user ARN without wildcards", s)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("Principal is empty")
	}
	return out, nil
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
