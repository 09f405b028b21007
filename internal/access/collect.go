package access

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// Role is an IAM role found in the templates, or a role that a template's
// policy attaches to by name.
type Role struct {
	Principal
	// Region is the region of the role's stack.
	Region string
	// Stack and Logical locate the role; Logical is "" for a role that only
	// appears by name in a policy's Roles list.
	Stack, Logical string
	// Statements are those of every identity policy attached to the role.
	Statements []Statement
	// Trust is the role's trust policy: who may become the role. nil when
	// it is not known (a role the templates only name).
	Trust []Statement
}

// Model is what the templates say about access: the roles with their
// identity policies and the tables with their resource policies.
type Model struct {
	Roles  []*Role
	Tables []*Table
	// Keys are the customer-managed KMS keys of the templates.
	Keys []*Key
	// Functions are the Lambda functions, with who may invoke or change
	// them and what feeds them events.
	Functions []*Function
	// Queues are the SQS queues, with their policies.
	Queues []*Queue
	// Source says where the roles were read, for the label of a declared
	// writer the model has no role for. Default: "the templates".
	Source string
}

// Collect reads the roles, identity policies, tables and table policies of
// all templates. It reports every problem it finds, each naming the stack,
// resource and element.
func Collect(templates []*Template) (*Model, error) {
	c := &collector{roles: map[string]*Role{}, managed: map[string][]Statement{}}
	// Roles and managed policies first, so that attachments in any order and
	// across templates of one account find them.
	for _, t := range templates {
		for _, logical := range sortedKeys(t.Resources) {
			r := t.Resources[logical]
			switch r.Type {
			case "AWS::IAM::Role":
				c.addRole(t, logical, r)
			case "AWS::IAM::ManagedPolicy":
				c.addManagedPolicy(t, logical, r)
			case "AWS::KMS::Key":
				c.addKey(t, logical, r)
			case "AWS::Lambda::Function":
				c.addFunction(t, logical, r)
			case "AWS::SQS::Queue":
				c.addQueue(t, logical)
			}
		}
	}
	for _, t := range templates {
		for _, logical := range sortedKeys(t.Resources) {
			r := t.Resources[logical]
			switch r.Type {
			case "AWS::IAM::Role":
				c.attachRoleManagedPolicies(t, logical, r)
			case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
				c.attachPolicy(t, logical, r)
			case "AWS::IAM::RolePolicy":
				c.attachRolePolicy(t, logical, r)
			case "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
				c.fail("%s/%s: %s is not supported: the check evaluates roles only", t.Stack, logical, r.Type)
			case "AWS::DynamoDB::Table":
				c.addTable(t, logical, r)
			case "AWS::DynamoDB::GlobalTable":
				c.addGlobalTable(t, logical, r)
			case "AWS::Lambda::Permission":
				c.addPermission(t, logical, r)
			case "AWS::Lambda::EventSourceMapping":
				c.addEventSource(t, logical, r)
			case "AWS::Lambda::Url":
				c.addURL(t, logical, r)
			case "AWS::SQS::QueuePolicy":
				c.addQueuePolicy(t, logical, r)
			case "AWS::KMS::Key", "AWS::Lambda::Function", "AWS::SQS::Queue":
				// read in the first pass
			default:
				if why := unchecked(t, logical, r.Type); why != "" {
					c.fail("%s/%s: %s %s, so the check cannot see who it lets reach the tables", t.Stack, logical, r.Type, why)
				}
			}
		}
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	m := &Model{Tables: c.tables, Keys: c.keys, Functions: c.functions, Queues: c.queues}
	for _, arn := range sortedKeys(c.roles) {
		m.Roles = append(m.Roles, c.roles[arn])
	}
	return m, nil
}

type collector struct {
	roles map[string]*Role // by ARN
	// byLogical finds a template's roles by stack and logical id.
	byLogical map[[2]string]*Role
	managed   map[string][]Statement // managed policy statements by ARN
	tables    []*Table
	keys      []*Key
	functions []*Function
	queues    []*Queue
	errs      []error
}

func (c *collector) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

func (c *collector) addRole(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	arn, err := t.roleArn(logical, where)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.checkRoleProperties(t, logical, arn, r)
	role := &Role{Principal: Principal{Arn: arn, Account: t.Account}, Region: t.Region, Stack: t.Stack, Logical: logical}
	c.roles[arn] = role
	if c.byLogical == nil {
		c.byLogical = map[[2]string]*Role{}
	}
	c.byLogical[[2]string{t.Stack, logical}] = role
	role.Trust = c.trustPolicy(t, logical, r.Properties["AssumeRolePolicyDocument"])
	policies, ok := r.Properties["Policies"]
	if !ok {
		return
	}
	list, ok := policies.([]any)
	if !ok {
		c.fail("%s Policies: got %s, want a list", where, describe(policies))
		return
	}
	for i, p := range list {
		path := fmt.Sprintf("Policies[%d]", i)
		pm, ok := p.(map[string]any)
		if !ok {
			c.fail("%s %s: got %s, want an object", where, path, describe(p))
			continue
		}
		c.appendStatements(role, t, logical, path, pm["PolicyDocument"])
	}
}

// trustPolicy resolves and parses a role's AssumeRolePolicyDocument.
func (c *collector) trustPolicy(t *Template, logical string, doc any) []Statement {
	where := fmt.Sprintf("%s/%s AssumeRolePolicyDocument", t.Stack, logical)
	if doc == nil {
		c.fail("%s: missing; every role needs a trust policy", where)
		return nil
	}
	resolved, err := t.resolve(doc, where)
	if err != nil {
		c.errs = append(c.errs, err)
		return nil
	}
	stmts, err := ParsePolicy(resolved, TrustPolicy, Location{Stack: t.Stack, Resource: logical, Policy: "AssumeRolePolicyDocument"})
	if err != nil {
		c.errs = append(c.errs, err)
		return nil
	}
	if stmts == nil {
		stmts = []Statement{}
	}
	return stmts
}

// roleProperties are the AWS::IAM::Role properties whose effect on the
// role's permissions the check knows: it reads the policies, the name and
// the path, and the rest grant or restrict nothing (tags could only matter
// through condition keys the check rejects).
var roleProperties = map[string]bool{
	"AssumeRolePolicyDocument": true, "Description": true, "ManagedPolicyArns": true,
	"MaxSessionDuration": true, "Path": true, "Policies": true, "RoleName": true, "Tags": true,
}

// checkRoleProperties rejects role properties that change what the role may
// do in ways the check does not evaluate, such as a permissions boundary.
func (c *collector) checkRoleProperties(t *Template, logical, arn string, r Resource) {
	where := t.Stack + "/" + logical
	for _, k := range sortedKeys(r.Properties) {
		switch {
		case roleProperties[k]:
		case k == "PermissionsBoundary":
			v, err := t.resolve(r.Properties[k], where+" "+k)
			if err != nil {
				c.errs = append(c.errs, err)
				continue
			}
			if _, absent := v.(noValue); !absent {
				c.fail("%s %s: role %s has a permissions boundary, which the check does not evaluate", where, k, arn)
			}
		default:
			c.fail("%s %s: role %s has a property the check does not know, so its effect on the role's permissions cannot be checked", where, k, arn)
		}
	}
}

// appendStatements resolves and parses an identity policy document and adds
// its statements to role.
func (c *collector) appendStatements(role *Role, t *Template, logical, path string, doc any) {
	stmts, err := c.identityStatements(t, logical, path, doc)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	role.Statements = append(role.Statements, stmts...)
}

func (c *collector) identityStatements(t *Template, logical, path string, doc any) ([]Statement, error) {
	where := fmt.Sprintf("%s/%s %s", t.Stack, logical, path)
	if doc == nil {
		return nil, fmt.Errorf("%s: PolicyDocument is missing", where)
	}
	resolved, err := t.resolve(doc, where)
	if err != nil {
		return nil, err
	}
	return ParsePolicy(resolved, IdentityPolicy, Location{Stack: t.Stack, Resource: logical, Policy: path})
}

func (c *collector) addManagedPolicy(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	arn, err := t.managedPolicyArn(logical, where)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	stmts, err := c.identityStatements(t, logical, "PolicyDocument", r.Properties["PolicyDocument"])
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.managed[arn] = stmts
}

// attachRoleManagedPolicies adds the statements of the role's
// ManagedPolicyArns. A managed policy the templates do not define (an AWS
// managed policy, or one made elsewhere) is an error unless its content is
// known here: its grants cannot be seen offline.
func (c *collector) attachRoleManagedPolicies(t *Template, logical string, r Resource) {
	v, ok := r.Properties["ManagedPolicyArns"]
	if !ok {
		return
	}
	where := fmt.Sprintf("%s/%s ManagedPolicyArns", t.Stack, logical)
	resolved, err := t.resolve(v, where)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	arns, err := stringList(resolved, "ManagedPolicyArns", func(string) error { return nil })
	if err != nil {
		c.fail("%s/%s: %v", t.Stack, logical, err)
		return
	}
	role := c.byLogical[[2]string{t.Stack, logical}]
	if role == nil {
		return // its own error is already recorded
	}
	for _, arn := range arns {
		if stmts, ok := c.managed[arn]; ok {
			role.Statements = append(role.Statements, stmts...)
			continue
		}
		stmts, err := awsManagedPolicy(arn)
		if err != nil {
			c.fail("%s: %v", where, err)
			continue
		}
		role.Statements = append(role.Statements, stmts...)
	}
}

// attachPolicy handles AWS::IAM::Policy and the Roles of
// AWS::IAM::ManagedPolicy.
func (c *collector) attachPolicy(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	for _, k := range []string{"Users", "Groups"} {
		if v, ok := r.Properties[k]; ok {
			if l, isList := v.([]any); !isList || len(l) > 0 {
				c.fail("%s %s: policies attached to IAM users or groups are not supported", where, k)
			}
		}
	}
	rolesProp, ok := r.Properties["Roles"]
	if !ok {
		return
	}
	list, ok := rolesProp.([]any)
	if !ok {
		c.fail("%s Roles: got %s, want a list", where, describe(rolesProp))
		return
	}
	var stmts []Statement
	if r.Type == "AWS::IAM::ManagedPolicy" {
		arn, err := t.managedPolicyArn(logical, where)
		if err != nil {
			return // recorded by addManagedPolicy
		}
		stmts = c.managed[arn]
	} else {
		var err error
		if stmts, err = c.identityStatements(t, logical, "PolicyDocument", r.Properties["PolicyDocument"]); err != nil {
			c.errs = append(c.errs, err)
			return
		}
	}
	for i, entry := range list {
		role, err := c.roleOf(t, entry, fmt.Sprintf("%s Roles[%d]", where, i))
		if err != nil {
			c.errs = append(c.errs, err)
			continue
		}
		role.Statements = append(role.Statements, stmts...)
	}
}

func (c *collector) attachRolePolicy(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	role, err := c.roleOf(t, r.Properties["RoleName"], where+" RoleName")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.appendStatements(role, t, logical, "PolicyDocument", r.Properties["PolicyDocument"])
}

// roleOf finds the role a policy attaches to: a Ref to a role of the same
// template, or a role name in the template's account. A name that no
// template defines is a role made elsewhere; it becomes a role of its own.
func (c *collector) roleOf(t *Template, entry any, where string) (*Role, error) {
	if m, ok := entry.(map[string]any); ok && len(m) == 1 {
		if name, ok := m["Ref"].(string); ok {
			if role := c.byLogical[[2]string{t.Stack, name}]; role != nil {
				return role, nil
			}
		}
	}
	name, err := t.resolveString(entry, where)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(name, "*?/{") || name == "" {
		return nil, fmt.Errorf("%s: role name %q cannot be matched to a role", where, name)
	}
	if t.Account == "" || t.Partition == "" {
		return nil, fmt.Errorf("%s: account unknown (no environment in the cloud assembly manifest)", where)
	}
	for _, role := range c.roles {
		if role.Account == t.Account && strings.HasSuffix(role.Arn, "/"+name) {
			return role, nil
		}
	}
	arn := arns.Role(t.Partition, t.Account, name)
	role := &Role{Principal: Principal{Arn: arn, Account: t.Account}, Region: t.Region, Stack: t.Stack}
	c.roles[arn] = role
	return role, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
