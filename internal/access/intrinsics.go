package access

import (
	"fmt"
	"strconv"
	"strings"
)

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
		return t.fnRef(arg, where)
	case "Fn::GetAtt":
		return t.fnGetAtt(arg, where)
	case "Fn::Join":
		return t.fnJoin(arg, where)
	case "Fn::Sub":
		return t.sub(arg, where)
	case "Fn::Select":
		return t.fnSelect(arg, where)
	case "Fn::Split":
		return t.fnSplit(arg, where)
	default:
		return nil, fmt.Errorf("%s: intrinsic function %s cannot be resolved offline", where, fn)
	}
}

// fnRef resolves {"Ref": name}.
func (t *Template) fnRef(arg any, where string) (any, error) {
	name, ok := arg.(string)
	if !ok {
		return nil, fmt.Errorf("%s: got %s, want a name", where, describe(arg))
	}
	return t.ref(name, where)
}

// fnGetAtt resolves {"Fn::GetAtt": [logicalId, attribute]} (or "logicalId.attribute").
func (t *Template) fnGetAtt(arg any, where string) (any, error) {
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
}

// fnJoin resolves {"Fn::Join": [separator, list]}.
func (t *Template) fnJoin(arg any, where string) (any, error) {
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
}

// fnSelect resolves {"Fn::Select": [index, list]}.
func (t *Template) fnSelect(arg any, where string) (any, error) {
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
}

// fnSplit resolves {"Fn::Split": [separator, string]}.
func (t *Template) fnSplit(arg any, where string) (any, error) {
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
