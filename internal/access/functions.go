package access

import (
	"fmt"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// Function is a Lambda function of the templates: it acts as its role, so
// whoever may invoke it, change it or feed it events reaches what the role
// reaches.
type Function struct {
	// Arn is the function's ARN; its name is opaque when the template
	// leaves the name to CloudFormation.
	Arn, Account, Region string
	Stack, Logical       string
	// RoleArn is the ARN of the role the function runs as.
	RoleArn string
	// Policy is the function's resource policy, one statement per
	// AWS::Lambda::Permission.
	Policy []Statement
	// Sources are the event sources that invoke the function with what
	// they are sent (event source mappings).
	Sources []EventSource
	// URLs are the function's URLs, by their auth type; who may call one
	// is still up to Policy (lambda:InvokeFunctionUrl).
	URLs []string
}

// EventSource is one event source mapping of a function.
type EventSource struct {
	Where Location
	// Arn is the event source: a queue, a stream, ...
	Arn string
}

// Name labels the function in messages: its stack and logical id.
func (f *Function) Name() string { return f.Stack + "/" + f.Logical }

func (c *collector) addFunction(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	arn, err := t.functionArn(logical, where)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	role, err := t.resolveString(r.Properties["Role"], where+" Role")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.functions = append(c.functions, &Function{
		Arn:     arn,
		Account: t.Account, Region: t.Region, Stack: t.Stack, Logical: logical, RoleArn: role,
	})
}

// functionArn is the ARN of a function of the template, with an opaque
// name when the template leaves the name to CloudFormation: the same value
// a Fn::GetAtt of its Arn resolves to, so that an identity policy naming
// the function matches it.
func (t *Template) functionArn(logical, where string) (string, error) {
	if t.Account == "" || t.Region == "" || t.Partition == "" {
		return "", fmt.Errorf("%s: function %s/%s: account or region unknown (no environment in the cloud assembly manifest)", where, t.Stack, logical)
	}
	name, ok, err := t.nameProp(logical, "FunctionName", where)
	if err != nil {
		return "", err
	}
	if !ok {
		name = t.opaque(logical, "Ref")
	}
	return arns.Function(t.Partition, t.Region, t.Account, name), nil
}

// functionOf finds the function that a FunctionName (or
// TargetFunctionArn) names: a Ref or Fn::GetAtt of a function, or of an
// alias or version of one, or a name or ARN of a function of the
// templates. A function the check cannot identify is an error: its role,
// and so what its callers reach, is unknown.
func (c *collector) functionOf(t *Template, v any, where string) (*Function, error) {
	if logical := refOrArn(v); logical != "" {
		if r, ok := t.Resources[logical]; ok {
			switch r.Type {
			case "AWS::Lambda::Function":
				for _, f := range c.functions {
					if f.Stack == t.Stack && f.Logical == logical {
						return f, nil
					}
				}
				return nil, fmt.Errorf("%s: function %s/%s could not be read", where, t.Stack, logical)
			case "AWS::Lambda::Alias", "AWS::Lambda::Version":
				return c.functionOf(t, r.Properties["FunctionName"], fmt.Sprintf("%s -> %s/%s FunctionName", where, t.Stack, logical))
			}
		}
	}
	s, err := t.resolveString(v, where)
	if err != nil {
		return nil, err
	}
	for _, f := range c.functions {
		name := strings.TrimPrefix(f.Arn[strings.LastIndex(f.Arn, ":function:")+len(":function:"):], "")
		if s == f.Arn || s == name || strings.HasPrefix(s, f.Arn+":") || strings.HasPrefix(s, name+":") {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%s: %q is not a function of the templates, so who may call it cannot be checked", where, s)
}

// refOrArn returns the logical id of {"Ref": id} or {"Fn::GetAtt": [id,
// "Arn"]}, else "".
func refOrArn(v any) string {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return ""
	}
	if id, ok := m["Ref"].(string); ok {
		return id
	}
	switch a := m["Fn::GetAtt"].(type) {
	case []any:
		if len(a) == 2 && a[1] == "Arn" {
			id, _ := a[0].(string)
			return id
		}
	case string:
		if id, ok := strings.CutSuffix(a, ".Arn"); ok {
			return id
		}
	}
	return ""
}

// permissionProperties are the AWS::Lambda::Permission properties, and
// the condition each one adds to the permission's statement.
var permissionProperties = map[string][2]string{
	"Action": {}, "FunctionName": {}, "Principal": {},
	"SourceAccount":         {"StringEquals", "aws:SourceAccount"},
	"SourceArn":             {"ArnLike", "aws:SourceArn"},
	"PrincipalOrgID":        {"StringEquals", "aws:PrincipalOrgID"},
	"FunctionUrlAuthType":   {"StringEquals", "lambda:FunctionUrlAuthType"},
	"EventSourceToken":      {"StringEquals", "lambda:EventSourceToken"},
	"InvokedViaFunctionUrl": {"Bool", "lambda:InvokedViaFunctionUrl"},
}

// addPermission turns an AWS::Lambda::Permission into the statement Lambda
// adds to the function's resource policy.
func (c *collector) addPermission(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	f, err := c.functionOf(t, r.Properties["FunctionName"], where+" FunctionName")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	resolved, err := t.resolve(r.Properties, where)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	props := resolved.(map[string]any)
	st := map[string]any{"Effect": "Allow", "Resource": f.Arn}
	conditions := map[string]any{}
	for _, k := range sortedKeys(props) {
		cond, known := permissionProperties[k]
		switch {
		case !known:
			c.fail("%s %s: a Lambda permission property the check does not know", where, k)
			return
		case k == "Action":
			st["Action"] = props[k]
		case k == "Principal":
			st["Principal"] = lambdaPrincipal(props[k])
		case cond[0] != "":
			op, _ := conditions[cond[0]].(map[string]any)
			if op == nil {
				op = map[string]any{}
				conditions[cond[0]] = op
			}
			op[cond[1]] = props[k]
		}
	}
	if len(conditions) > 0 {
		st["Condition"] = conditions
	}
	stmts, err := ParsePolicy(map[string]any{"Statement": []any{st}}, FunctionPolicy, Location{Stack: t.Stack, Resource: logical, Policy: "Permission"})
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	f.Policy = append(f.Policy, stmts...)
}

// lambdaPrincipal maps a permission's Principal to a policy's: "*", an
// account or IAM ARN, or a service.
func lambdaPrincipal(v any) any {
	s, ok := v.(string)
	switch {
	case !ok:
		return v // ParsePolicy names what is wrong
	case s == "*":
		return "*"
	case accountID.MatchString(s) || strings.HasPrefix(s, "arn:"):
		return map[string]any{"AWS": s}
	default:
		return map[string]any{"Service": s}
	}
}

// addEventSource records an event source mapping: whoever may send to its
// source makes the function act.
func (c *collector) addEventSource(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	f, err := c.functionOf(t, r.Properties["FunctionName"], where+" FunctionName")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	source := "a self-managed event source"
	if v, ok := r.Properties["EventSourceArn"]; ok {
		if source, err = t.resolveString(v, where+" EventSourceArn"); err != nil {
			c.errs = append(c.errs, err)
			return
		}
	}
	f.Sources = append(f.Sources, EventSource{Where: Location{Stack: t.Stack, Resource: logical, Policy: "EventSourceArn"}, Arn: source})
}

// addURL records a function URL. It lets no one in on its own: Lambda
// still asks the function's policy for lambda:InvokeFunctionUrl.
func (c *collector) addURL(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	f, err := c.functionOf(t, r.Properties["TargetFunctionArn"], where+" TargetFunctionArn")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	auth, err := t.resolveString(r.Properties["AuthType"], where+" AuthType")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	f.URLs = append(f.URLs, fmt.Sprintf("%s/%s (AuthType %s)", t.Stack, logical, auth))
}

// harmless are resource types that carry a policy or a role and that
// cannot let anyone reach a table on their own: what they allow is on
// their own resource, and a role they hand out is still gated by its
// trust policy, which the check evaluates.
var harmless = map[string]bool{
	"AWS::SQS::QueuePolicy":              true,
	"AWS::SNS::TopicPolicy":              true,
	"AWS::IAM::InstanceProfile":          true,
	"AWS::IAM::ServiceLinkedRole":        true,
	"AWS::Lambda::EventInvokeConfig":     true,
	"AWS::Lambda::Version":               true,
	"AWS::Lambda::Alias":                 true,
	"AWS::Lambda::LayerVersion":          true,
	"AWS::KMS::Alias":                    true,
	"AWS::CDK::Metadata":                 true,
	"AWS::CloudWatch::Alarm":             true,
	"AWS::Logs::LogGroup":                true,
	"AWS::SQS::Queue":                    true,
	"AWS::SNS::Topic":                    true,
	"AWS::SNS::Subscription":             true,
	"AWS::DynamoDB::Table":               true,
	"AWS::DynamoDB::GlobalTable":         true,
	"AWS::CloudFormation::WaitCondition": true,
}

// unchecked says why a resource of a type the check does not evaluate may
// let someone reach a table ("" when it cannot): a nested stack whose
// template is not in the cloud assembly, an IAM, DynamoDB, KMS or Lambda
// resource the check does not read, any other policy or permission, and
// custom resources, which run code at deploy time.
func unchecked(t *Template, logical, typ string) string {
	service, _, _ := strings.Cut(strings.TrimPrefix(typ, "AWS::"), "::")
	switch {
	case harmless[typ]:
		return ""
	case typ == "AWS::CloudFormation::Stack":
		if t.Nested[logical] {
			return ""
		}
		return "is a nested stack whose template is not in the cloud assembly"
	case strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource":
		return "runs code at deploy time"
	case strings.HasPrefix(typ, "AWS::") && (service == "IAM" || service == "DynamoDB" || service == "KMS" || service == "Lambda" || service == "STS"):
		return "is a resource of " + service + " the check does not read"
	case strings.HasSuffix(typ, "Policy") || strings.HasSuffix(typ, "Permission") || strings.HasSuffix(typ, "Permissions"):
		return "is a policy the check does not read"
	}
	return ""
}
