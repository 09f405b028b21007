package access

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// noValue stands for Ref AWS::NoValue until the enclosing list or object
// drops it.
type noValue struct{}

// resolve replaces the intrinsic functions the CDK emits in policies with
// their values. where names the element for error messages.
//
// A reference to a resource whose value cannot be known offline (the ARN of a
// log group, a queue, the name of a role without a literal RoleName) becomes
// an opaque token that contains no wildcard, so it matches nothing but
// itself; the ARN of such a role is its ARN with the opaque name in it. A reference to
// a DynamoDB table needs a literal TableName: a table whose name is not known
// is an error, because the check is about tables.
func (t *Template) resolve(v any, where string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k, arg := range v {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return t.intrinsic(k, arg, where)
				}
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make(map[string]any, len(v))
		for _, k := range keys {
			r, err := t.resolve(v[k], where+"."+k)
			if err != nil {
				return nil, err
			}
			if _, ok := r.(noValue); !ok {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(v))
		for i, e := range v {
			r, err := t.resolve(e, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			if _, ok := r.(noValue); !ok {
				out = append(out, r)
			}
		}
		return out, nil
	default:
		return v, nil
	}
}

func (t *Template) resolveString(v any, where string) (string, error) {
	r, err := t.resolve(v, where)
	if err != nil {
		return "", err
	}
	s, ok := r.(string)
	if !ok {
		return "", fmt.Errorf("%s: got %s, want a string", where, describe(r))
	}
	return s, nil
}

func (t *Template) ref(name, where string) (any, error) {
	switch name {
	case "AWS::NoValue":
		return noValue{}, nil
	case "AWS::StackName":
		return t.Stack, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return t.pseudo(name, where)
	}
	if t.Parameters[name] {
		return nil, fmt.Errorf("%s: refers to parameter %q, whose value is not known offline", where, name)
	}
	r, ok := t.Resources[name]
	if !ok {
		return nil, fmt.Errorf("%s: refers to %q, which is not a resource or parameter of stack %s", where, name, t.Stack)
	}
	switch r.Type {
	case "AWS::IAM::Role":
		if roleName, ok, err := t.nameProp(name, "RoleName", where); ok || err != nil {
			return roleName, err
		}
		return t.opaque(name, "RoleName"), nil
	case "AWS::IAM::ManagedPolicy":
		return t.managedPolicyArn(name, where)
	case "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable":
		return t.tableName(name, where)
	case "AWS::KMS::Key":
		return t.opaque(name, "KeyId"), nil
	}
	return t.opaque(name, "Ref"), nil
}

func (t *Template) pseudo(name, where string) (string, error) {
	var v string
	switch name {
	case "AWS::AccountId":
		v = t.Account
	case "AWS::Region":
		v = t.Region
	case "AWS::Partition":
		v = t.Partition
	case "AWS::URLSuffix":
		if t.Partition == "" {
			break
		}
		if v = config.DNSSuffixes[t.Partition]; v == "" {
			return "", fmt.Errorf("%s: the URL suffix of partition %s is not known offline", where, t.Partition)
		}
	default:
		return "", fmt.Errorf("%s: pseudo parameter %s cannot be resolved offline", where, name)
	}
	if v == "" {
		return "", fmt.Errorf("%s: %s is unknown: stack %s has no account and region in the cloud assembly manifest", where, name, t.Stack)
	}
	return v, nil
}

func (t *Template) getAtt(logical, attr, where string) (any, error) {
	r, ok := t.Resources[logical]
	if !ok {
		return nil, fmt.Errorf("%s: refers to %q, which is not a resource of stack %s", where, logical, t.Stack)
	}
	if attr == "Arn" {
		switch r.Type {
		case "AWS::IAM::Role":
			// The same ARN the role is evaluated as, named or not, so that
			// a condition or Principal naming the role matches it.
			return t.roleArn(logical, where)
		case "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable":
			return t.tableArn(logical, t.Region, where)
		case "AWS::Lambda::Function":
			return t.functionArn(logical, where)
		case "AWS::SQS::Queue":
			return t.queueArn(logical, where)
		case "AWS::KMS::Key":
			if t.Account == "" || t.Region == "" || t.Partition == "" {
				return nil, fmt.Errorf("%s: key %s/%s: account or region unknown (no environment in the cloud assembly manifest)", where, t.Stack, logical)
			}
			return t.keyArn(logical), nil
		}
	}
	return t.opaque(logical, attr), nil
}

// opaque is the stand-in for a value that exists only once deployed. Its
// braces and dots never appear in an ARN, and it holds no wildcard.
func (t *Template) opaque(logical, attr string) string {
	return "{" + t.Stack + "/" + logical + "." + attr + "}"
}

// nameProp resolves a physical-name property such as RoleName; ok is false
// when the template leaves the name to CloudFormation.
func (t *Template) nameProp(logical, prop, where string) (name string, ok bool, err error) {
	v, ok := t.Resources[logical].Properties[prop]
	if !ok {
		return "", false, nil
	}
	name, err = t.resolveString(v, fmt.Sprintf("%s: %s/%s.%s", where, t.Stack, logical, prop))
	return name, err == nil, err
}

func (t *Template) tableName(logical, where string) (string, error) {
	name, ok, err := t.nameProp(logical, "TableName", where)
	if err != nil {
		return "", err
	}
	if !ok || name == "" {
		return "", fmt.Errorf("%s: table %s/%s has no TableName, so its ARN is not known offline", where, t.Stack, logical)
	}
	return name, nil
}

func (t *Template) tableArn(logical, region, where string) (string, error) {
	name, err := t.tableName(logical, where)
	if err != nil {
		return "", err
	}
	if t.Account == "" || region == "" || t.Partition == "" {
		return "", fmt.Errorf("%s: table %s/%s: account or region unknown (no environment in the cloud assembly manifest)", where, t.Stack, logical)
	}
	// The replicas of a global table are all in the stack's partition.
	return arns.Table(t.Partition, region, t.Account, name), nil
}

// roleArn is the ARN of a role; a role without a literal RoleName gets an
// opaque name in it.
func (t *Template) roleArn(logical, where string) (string, error) {
	props := t.Resources[logical].Properties
	name, ok, err := t.nameProp(logical, "RoleName", where)
	if err != nil {
		return "", err
	}
	if !ok {
		name = t.opaque(logical, "RoleName")
	}
	path := "/"
	if p, ok := props["Path"]; ok {
		s, err := t.resolveString(p, where+".Path")
		if err != nil {
			return "", err
		}
		path = s
	}
	if t.Account == "" || t.Partition == "" {
		return "", fmt.Errorf("%s: role %s/%s: account unknown (no environment in the cloud assembly manifest)", where, t.Stack, logical)
	}
	return arns.RoleWithPath(t.Partition, t.Account, path, name), nil
}

func (t *Template) managedPolicyArn(logical, where string) (string, error) {
	props := t.Resources[logical].Properties
	name, ok, err := t.nameProp(logical, "ManagedPolicyName", where)
	if err != nil {
		return "", err
	}
	if !ok {
		name = t.opaque(logical, "ManagedPolicyName")
	}
	path := "/"
	if p, ok := props["Path"].(string); ok {
		path = p
	}
	if t.Account == "" || t.Partition == "" {
		return "", fmt.Errorf("%s: managed policy %s/%s: account unknown (no environment in the cloud assembly manifest)", where, t.Stack, logical)
	}
	return arns.ManagedPolicy(t.Partition, t.Account, path, name), nil
}

// describe names a JSON value's kind for error messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case noValue:
		return "AWS::NoValue"
	default:
		return fmt.Sprintf("%T %v", v, v)
	}
}
