package access

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
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

// maxDepth bounds nested intrinsics, so that a circular reference is an
// error rather than endless recursion.
const maxDepth = 64

func (t *Template) intrinsic(fn string, arg any, where string) (any, error) {
	t.depth++
	defer func() { t.depth-- }()
	if t.depth > maxDepth {
		return nil, fmt.Errorf("%s: intrinsics nested more than %d deep (a circular reference?)", where, maxDepth)
	}
	where = where + "." + fn
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("%s: got %s, want a name", where, describe(arg))
		}
		return t.ref(name, where)
	case "Fn::GetAtt":
		var logical, attr string
		switch a := arg.(type) {
		case string:
			logical, attr, _ = strings.Cut(a, ".")
		case []any:
			if len(a) == 2 {
				logical, _ = a[0].(string)
				attr, _ = a[1].(string)
			}
		}
		if logical == "" || attr == "" {
			return nil, fmt.Errorf("%s: got %s, want [logicalId, attribute]", where, describe(arg))
		}
		return t.getAtt(logical, attr, where)
	case "Fn::Join":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("%s: got %s, want [separator, list]", where, describe(arg))
		}
		sep, ok := a[0].(string)
		if !ok {
			return nil, fmt.Errorf("%s: separator is %s, want a string", where, describe(a[0]))
		}
		list, err := t.resolve(a[1], where+"[1]")
		if err != nil {
			return nil, err
		}
		items, ok := list.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: got %s, want a list to join", where, describe(list))
		}
		parts := make([]string, len(items))
		for i, it := range items {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("%s[1][%d]: got %s, want a string", where, i, describe(it))
			}
			parts[i] = s
		}
		return strings.Join(parts, sep), nil
	case "Fn::Sub":
		return t.sub(arg, where)
	case "Fn::Select":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("%s: got %s, want [index, list]", where, describe(arg))
		}
		idx, err := t.resolve(a[0], where+"[0]")
		if err != nil {
			return nil, err
		}
		var n int
		switch i := idx.(type) {
		case float64:
			n = int(i)
		case string:
			if n, err = strconv.Atoi(i); err != nil {
				return nil, fmt.Errorf("%s[0]: index %q is not a number", where, i)
			}
		default:
			return nil, fmt.Errorf("%s[0]: got %s, want an index", where, describe(idx))
		}
		list, err := t.resolve(a[1], where+"[1]")
		if err != nil {
			return nil, err
		}
		items, ok := list.([]any)
		if !ok || n < 0 || n >= len(items) {
			return nil, fmt.Errorf("%s: index %d out of range of %s", where, n, describe(list))
		}
		return items[n], nil
	case "Fn::Split":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("%s: got %s, want [separator, string]", where, describe(arg))
		}
		sep, ok := a[0].(string)
		if !ok {
			return nil, fmt.Errorf("%s: separator is %s, want a string", where, describe(a[0]))
		}
		s, err := t.resolveString(a[1], where+"[1]")
		if err != nil {
			return nil, err
		}
		var out []any
		for _, p := range strings.Split(s, sep) {
			out = append(out, p)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%s: intrinsic function %s cannot be resolved offline", where, fn)
	}
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
		if v = urlSuffixes[t.Partition]; v == "" {
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

// urlSuffixes are the AWS::URLSuffix values of the partitions whose suffix
// is published; for the others the check does not guess.
var urlSuffixes = map[string]string{
	"aws":        "amazonaws.com",
	"aws-us-gov": "amazonaws.com",
	"aws-cn":     "amazonaws.com.cn",
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
	return fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", t.Partition, region, t.Account, name), nil
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
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", t.Partition, t.Account, path, name), nil
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
	return fmt.Sprintf("arn:%s:iam::%s:policy%s%s", t.Partition, t.Account, path, name), nil
}

// sub implements Fn::Sub: "${Name}", "${Name.Attr}" and "${!Literal}".
func (t *Template) sub(arg any, where string) (any, error) {
	var format string
	vars := map[string]any{}
	switch a := arg.(type) {
	case string:
		format = a
	case []any:
		if len(a) != 2 {
			return nil, fmt.Errorf("%s: got %s, want a string or [string, variables]", where, describe(arg))
		}
		format, _ = a[0].(string)
		m, ok := a[1].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s[1]: got %s, want a map of variables", where, describe(a[1]))
		}
		vars = m
	default:
		return nil, fmt.Errorf("%s: got %s, want a string or [string, variables]", where, describe(arg))
	}
	var b strings.Builder
	for {
		i := strings.Index(format, "${")
		if i < 0 {
			b.WriteString(format)
			return b.String(), nil
		}
		b.WriteString(format[:i])
		rest := format[i+2:]
		j := strings.Index(rest, "}")
		if j < 0 {
			return nil, fmt.Errorf("%s: unterminated ${ in %q", where, format)
		}
		name := rest[:j]
		format = rest[j+1:]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		var v any
		var err error
		if val, ok := vars[name]; ok {
			v, err = t.resolve(val, where+"."+name)
		} else if logical, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			v, err = t.getAtt(logical, attr, where)
		} else {
			v, err = t.ref(name, where)
		}
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: ${%s} is %s, want a string", where, name, describe(v))
		}
		b.WriteString(s)
	}
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
