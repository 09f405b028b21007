package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/iamactions"
)

// A principal reaches what a role may do without any grant of its own when
// it can act as the role: when the role's trust policy admits it, or when it
// can make a function that runs as the role act (the function's resource
// policy admits it, or an event source feeds the function). IAM Access
// Analyzer treats role trust policies and Lambda function policies as
// resources of their own for this reason; so does the check. A role reached
// that way passes on what it may do to whoever can act as it, to a fixed
// point.
//
// The check reads the resource side only: a trust or function policy that
// admits a principal of another account is enough, since that account's
// administrators decide its identity side. It does not see what decides
// inside an account alone: who in the writers' account holds iam:PassRole
// for a writer role or lambda:InvokeFunction on its function through
// identity policies.

// lambdaService is the service principal that runs a function as its role:
// the one principal the configuration declares on a writer role's trust.
const lambdaService = "lambda.amazonaws.com"

// Path is one way a principal acts as a role that has access.
type Path struct {
	// Principal is who acts: an ARN, or a label for a service, a federated
	// user or an event source.
	Principal string
	// Label says what a principal the check made up stands for.
	Label string
	// Role is the role whose access the principal gets.
	Role string
	// Via says how, from the principal to the role.
	Via string
	// Declared is true for the Lambda service's trust on a declared
	// writer's role: how the writer's function acts, not extra access.
	Declared bool
}

// grantCell is one allowed request of a role: an action on a table, an index or
// a key.
type grantCell struct{ action, resource string }

// reach is a role with access, and how a principal acting as it got there.
type reach struct {
	role  *Role
	cells []grantCell
	// via is the path from the role back to the role that holds the
	// cells; "" for that role itself.
	via string
	// origin is the ARN of the role that holds the cells.
	origin string
}

// checkPaths finds who can act as each role with access, and reports each
// one the configuration does not declare as extra access to every cell of
// the role. A role with access whose trust policy is not known is a
// problem the check cannot bound (Matrix.Unknown).
func (x *Matrix) checkPaths(m *Model, expected []config.Grant) {
	w := &pathWalk{x: x, m: m, writers: map[string]bool{}, declaredQueues: map[[2]string]bool{}, roles: map[string]*Role{}}
	for _, g := range expected {
		w.writers[g.RoleArn] = true
		if g.Source == config.SourceQueue {
			w.declaredQueues[[2]string{g.RoleArn, g.QueueArn}] = true
		}
	}
	for _, r := range m.Roles {
		w.roles[r.Arn] = r
	}
	w.candidates = append(slices.Clone(x.Subjects), pathWitnesses(m, x.Subjects)...)
	x.checkCoverage(m, w.candidates)

	var queue []reach
	for _, r := range m.Roles {
		if cells := x.cellsOf(r.Arn); len(cells) > 0 {
			queue = append(queue, reach{role: r, cells: cells, origin: r.Arn})
		}
	}
	// Each role is followed once for each role whose access it passes on:
	// the first (shortest) path names how.
	seen := map[[2]string]bool{}
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		if key := [2]string{q.role.Arn, q.origin}; seen[key] {
			continue
		} else {
			seen[key] = true
		}
		if q.role.Trust == nil {
			x.Unknown = append(x.Unknown, fmt.Sprintf("role %s can %s, but its trust policy is not known, so who can act as it cannot be checked", q.role.Arn, describeCells(q.cells)))
			continue
		}
		queue = append(queue, w.trust(q)...)
		queue = append(queue, w.functions(q)...)
	}
}

// pathWalk is what checkPaths follows paths with.
type pathWalk struct {
	x *Matrix
	m *Model
	// writers are the declared writer role ARNs; declaredQueues the
	// (writer role ARN, queue ARN) of each queue writer.
	writers        map[string]bool
	declaredQueues map[[2]string]bool
	roles          map[string]*Role // of the model, by ARN
	candidates     []Subject        // the subjects and the path witnesses
}

// trust records who q's role's trust policy admits, and returns the roles
// of the templates among them, which pass q's access on.
func (w *pathWalk) trust(q reach) []reach {
	var next []reach
	for _, p := range w.candidates {
		if p.Arn == q.role.Arn || p.Arn == q.origin {
			continue // acting as itself gives a role nothing new
		}
		admitted, by := admittedActions(p.Principal, q.role.Trust, trustActions, q.role.Arn, q.role.Account)
		if len(admitted) == 0 {
			continue
		}
		step := fmt.Sprintf("role %s (its trust policy admits it for %s: %s)", q.role.Arn, strings.Join(admitted, ", "), joinLocations(by))
		declared := p.Service == lambdaService && w.writers[q.role.Arn] && q.via == "" && slices.Equal(admitted, []string{"sts:AssumeRole"})
		w.x.addPath(p, q, step, declared)
		if role := w.roles[p.Arn]; role != nil && !p.Probe {
			next = append(next, reach{role: role, cells: q.cells, via: joinVia(step, q.via), origin: q.origin})
		}
	}
	return next
}

// functions records who can make a function that runs as q's role act:
// its invokers, its event sources and who may send to a queue that feeds
// it. It returns the roles of the templates among them.
func (w *pathWalk) functions(q reach) []reach {
	var next []reach
	follow := func(a actor, step string) {
		w.x.addPath(a.Subject, q, step, false)
		if a.role != nil {
			next = append(next, reach{role: a.role, cells: q.cells, via: joinVia(step, q.via), origin: q.origin})
		}
	}
	for _, f := range w.m.Functions {
		if f.RoleArn != q.role.Arn {
			continue
		}
		acts := fmt.Sprintf(", which runs as role %s", q.role.Arn)
		for _, a := range w.x.actors(w.candidates, w.roles, f.Policy, functionActions, f.Arn, f.Account, q) {
			follow(a, fmt.Sprintf("function %s (%s)%s", f.Name(), a.how, acts))
		}
		for _, src := range f.Sources {
			feeds := fmt.Sprintf("function %s%s (event source mapping %s/%s feeds it)", f.Name(), acts, src.Where.Stack, src.Where.Resource)
			// A queue writer's own queue is declared: inside the writer's
			// account its identity policies decide who sends (out of
			// scope, as for invoking the function); its queue policy and
			// the roles of the templates are still read.
			declared := q.via == "" && w.declaredQueues[[2]string{q.role.Arn, src.Arn}]
			w.x.addPath(Subject{Principal: Principal{Arn: "whoever can send to " + src.Arn}}, q, feeds, declared)
			if sq := w.m.queue(src.Arn); sq != nil {
				for _, a := range w.x.actors(w.candidates, w.roles, sq.Policy, queueActions, sq.Arn, sq.Account, q) {
					follow(a, fmt.Sprintf("queue %s (%s), which feeds %s", sq.Name(), a.how, feeds))
				}
			}
		}
	}
	return next
}

// The actions IAM defines on a role, a function and a queue: what a trust,
// function or queue policy can grant.
var (
	trustActions    = iamactions.On(iamactions.STS, "role")
	functionActions = iamactions.On(iamactions.Lambda, "function")
	queueActions    = iamactions.On(iamactions.SQS, "queue")
)

// actor is a principal that can act on a resource that makes a role act
// (a function that runs as it, a queue that feeds such a function), and
// how; role is set when the principal is a role of the templates, which
// passes the access on.
type actor struct {
	Subject
	how  string
	role *Role
}

// actors are the principals that can act on resource (of account) with one
// of actions: every candidate the resource policy admits, and every role of
// the templates in the resource's account whose identity policy allows it
// (inside one account that is enough). The roles of q's path are left out:
// acting through itself gives a role nothing new.
func (x *Matrix) actors(candidates []Subject, roles map[string]*Role, policy []Statement, actions []string, resource, account string, q reach) []actor {
	var out []actor
	for _, p := range candidates {
		if p.Arn == q.role.Arn || p.Arn == q.origin {
			continue
		}
		admitted, by := admittedActions(p.Principal, policy, actions, resource, account)
		if len(admitted) == 0 {
			continue
		}
		a := actor{Subject: p, how: fmt.Sprintf("its resource policy admits it for %s: %s", strings.Join(admitted, ", "), joinLocations(by))}
		if !p.Probe {
			a.role = roles[p.Arn]
		}
		out = append(out, a)
	}
	for _, p := range x.Subjects {
		if p.Probe || p.Account != account || !p.isIAM() || roles[p.Arn] == nil || p.Arn == q.role.Arn || p.Arn == q.origin {
			continue
		}
		var allowed []string
		var by []Location
		for _, a := range actions {
			if d := Evaluate(Request{Principal: p.Principal, Action: a, Resource: resource, ResourceAccount: account}, p.Identity, policy); d.Allowed && len(d.IdentityAllows) > 0 {
				allowed = append(allowed, a)
				by = appendNew(by, d.IdentityAllows...)
			}
		}
		if len(allowed) > 0 {
			out = append(out, actor{Subject: p, how: fmt.Sprintf("its identity policy allows it %s: %s", strings.Join(allowed, ", "), joinLocations(by)), role: roles[p.Arn]})
		}
	}
	return out
}

// addPath records a path to q's role and, unless it is declared, its extra
// access to each of the role's cells.
func (x *Matrix) addPath(p Subject, q reach, step string, declared bool) {
	via := joinVia(step, q.via)
	if declared && slices.ContainsFunc(x.Paths, func(p Path) bool { return p.Declared && p.Role == q.role.Arn && p.Via == via }) {
		return // the Lambda service once, whichever accounts it acts for
	}
	x.Paths = append(x.Paths, Path{Principal: p.Arn, Label: p.probeLabel(), Role: q.role.Arn, Via: via, Declared: declared})
	if declared {
		return
	}
	for _, c := range q.cells {
		x.Differences = append(x.Differences, Difference{Extra: true, Principal: p.Arn, Action: c.action, Table: c.resource, Via: via, Label: p.probeLabel()})
	}
}

func joinVia(step, rest string) string {
	if rest == "" {
		return step
	}
	return step + ", then " + rest
}

// cellsOf lists what the subject with this ARN (not a probe) may do: every
// allowed cell of the tables, their indexes and the keys.
func (x *Matrix) cellsOf(arn string) []grantCell {
	var out []grantCell
	for si, s := range x.Subjects {
		if s.Probe || s.Arn != arn {
			continue
		}
		for ti, t := range x.Tables {
			for ai, a := range x.Actions {
				if x.Cells[ti][si][ai].Allowed {
					out = append(out, grantCell{a, t.Arn})
				}
				if x.IndexCells[ti][si][ai].Allowed {
					out = append(out, grantCell{a, IndexArn(t.Arn)})
				}
			}
		}
		for ki, k := range x.Keys {
			for ai, a := range x.KeyActions {
				for route := range routes {
					if x.KeyCells[ki][si][ai][route].Allowed {
						out = append(out, grantCell{a + " " + routeName(route, config.DynamoDBEndpoint(arns.Partition(k.Arn), k.Region)), k.Arn})
					}
				}
			}
		}
	}
	return out
}

func describeCells(cells []grantCell) string {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = c.action + " on " + c.resource
	}
	return strings.Join(s, ", ")
}

// admittedActions are the actions of the list that the resource policy
// on its own admits p to on resource: a statement names p (or its
// account, whose administrators decide the rest), and no Deny matches.
func admittedActions(p Principal, policy []Statement, actions []string, resource, account string) ([]string, []Location) {
	var admitted []string
	var by []Location
	for _, a := range actions {
		d := Evaluate(Request{Principal: p, Action: a, Resource: resource, ResourceAccount: account}, nil, policy)
		if d.CrossPartition || len(d.Denies) > 0 || len(d.ResourceAllows) == 0 {
			continue
		}
		admitted = append(admitted, a)
		by = appendNew(by, d.ResourceAllows...)
	}
	return admitted, by
}

// appendNew appends the locations that list does not hold yet.
func appendNew(list []Location, ls ...Location) []Location {
	for _, l := range ls {
		if !slices.Contains(list, l) {
			list = append(list, l)
		}
	}
	return list
}

// pathWitnesses are the principals that are not IAM principals and that a
// trust, function or queue policy names: each service, on its own and acting for
// each account of the subjects (aws:SourceAccount), and the federated users
// of each identity provider.
func pathWitnesses(m *Model, subjects []Subject) []Subject {
	services, providers := map[string]bool{}, map[string]bool{}
	read := func(policy []Statement) {
		for _, st := range policy {
			for _, pp := range st.Principals {
				if pp.service != "" {
					services[pp.service] = true
				}
				if pp.federated != "" {
					providers[pp.federated] = true
				}
			}
		}
	}
	for _, r := range m.Roles {
		read(r.Trust)
	}
	for _, f := range m.Functions {
		read(f.Policy)
	}
	for _, q := range m.Queues {
		read(q.Policy)
	}
	accounts := map[string]bool{}
	for _, s := range subjects {
		if s.isIAM() && s.Account != "" {
			accounts[s.Account] = true
		}
	}
	var out []Subject
	for _, svc := range sortedKeys(services) {
		out = append(out, Subject{Principal: Principal{Arn: svc, Service: svc}, Label: "witness: service principal " + svc, Probe: true})
		for _, acct := range sortedKeys(accounts) {
			out = append(out, Subject{
				Principal: Principal{Arn: svc + " acting for " + acct, Service: svc, ServiceFor: acct},
				Label:     "witness: service principal " + svc + " acting for account " + acct + " (aws:SourceAccount)", Probe: true,
			})
		}
	}
	for _, fed := range sortedKeys(providers) {
		out = append(out, Subject{Principal: Principal{Arn: "federated users of " + fed, Federated: fed}, Label: "witness: users of identity provider " + fed, Probe: true})
	}
	return out
}

// queue is the queue of the model with this ARN, or nil.
func (m *Model) queue(arn string) *Queue {
	for _, q := range m.Queues {
		if q.Arn == arn {
			return q
		}
	}
	return nil
}
