package access

import (
	"fmt"
	"sort"
	"strings"
)

// condition is one operator-key pair of a Condition block, such as
// "ArnEquals": {"aws:PrincipalArn": [...]}. All conditions of a statement
// must hold; a condition holds when the request's value matches any of the
// values.
type condition struct {
	op        string // as written, for messages
	base      string // StringEquals, ArnLike, ...
	negated   bool   // the Not forms
	ifExists  bool
	qualifier string // "", "ForAnyValue" or "ForAllValues"
	key       string // canonical key name
	values    []string
	// unknown marks a key (or operator) the check does not know, in a
	// policy whose unknown conditions are assumed (see Kind.lenient);
	// assumed is what it is taken to evaluate to.
	unknown, assumed bool
}

// conditionKeys are the keys the check knows, by lower-case name.
var conditionKeys = map[string]string{
	"aws:principalarn":      "aws:PrincipalArn",
	"aws:principalaccount":  "aws:PrincipalAccount",
	"aws:principalorgid":    "aws:PrincipalOrgID",
	"aws:principalorgpaths": "aws:PrincipalOrgPaths",
	"aws:sourceaccount":     "aws:SourceAccount",
	"kms:viaservice":        "kms:ViaService",
	"kms:calleraccount":     "kms:CallerAccount",
}

// baseOperators maps each supported operator to its positive form.
var baseOperators = map[string]string{
	"StringEquals":              "StringEquals",
	"StringNotEquals":           "StringEquals",
	"StringEqualsIgnoreCase":    "StringEqualsIgnoreCase",
	"StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
	"StringLike":                "StringLike",
	"StringNotLike":             "StringLike",
	"ArnEquals":                 "ArnLike",
	"ArnLike":                   "ArnLike",
	"ArnNotEquals":              "ArnLike",
	"ArnNotLike":                "ArnLike",
}

// parseConditions reads a Condition block; with lenient, a key the check
// does not know (and any operator on it) is kept as a condition that holds
// in an Allow statement (allow) and does not hold in a Deny statement.
func parseConditions(v any, lenient, allow bool) ([]condition, error) {
	block, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Condition is %s, want an object", describe(v))
	}
	ops := make([]string, 0, len(block))
	for op := range block {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var out []condition
	for _, op := range ops {
		c := condition{op: op}
		name := op
		for _, q := range []string{"ForAnyValue", "ForAllValues"} {
			if rest, ok := strings.CutPrefix(name, q+":"); ok {
				c.qualifier, name = q, rest
			}
		}
		if rest, ok := strings.CutSuffix(name, "IfExists"); ok {
			c.ifExists, name = true, rest
		}
		base, ok := baseOperators[name]
		if !ok && !lenient {
			return nil, fmt.Errorf("condition operator %q is not supported", op)
		}
		c.base, c.negated = base, strings.Contains(name, "Not")
		keys, ok := block[op].(map[string]any)
		if !ok || len(keys) == 0 {
			return nil, fmt.Errorf("Condition.%s is %s, want an object of keys", op, describe(block[op]))
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			key, ok := conditionKeys[strings.ToLower(k)]
			if !ok || c.base == "" {
				if !lenient {
					return nil, fmt.Errorf("Condition.%s: condition key %q is not supported", op, k)
				}
				out = append(out, condition{op: op, key: k, unknown: true, assumed: allow})
				continue
			}
			values, err := stringList(keys[k], fmt.Sprintf("Condition.%s.%s", op, k), validConditionValue)
			if err != nil {
				return nil, err
			}
			kc := c
			kc.key, kc.values = key, values
			out = append(out, kc)
		}
	}
	return out, nil
}

func validConditionValue(s string) error {
	if strings.Contains(s, "${") {
		return fmt.Errorf("policy variables are not supported")
	}
	return nil
}

// holds evaluates the condition against the request's values for its key
// (none when the request does not carry the key).
func (c condition) holds(requestValues []string) bool {
	if c.unknown {
		return c.assumed
	}
	matchOne := func(v string) bool {
		m := false
		for _, p := range c.values {
			if c.match(p, v) {
				m = true
				break
			}
		}
		return m != c.negated
	}
	switch c.qualifier {
	case "ForAnyValue":
		for _, v := range requestValues {
			if matchOne(v) {
				return true
			}
		}
		return false
	case "ForAllValues":
		for _, v := range requestValues {
			if !matchOne(v) {
				return false
			}
		}
		return true
	}
	if len(requestValues) == 0 {
		// A missing key fails a positive operator and satisfies a negated
		// one; IfExists makes either hold.
		return c.ifExists || c.negated
	}
	return matchOne(requestValues[0])
}

func (c condition) match(pattern, value string) bool {
	switch c.base {
	case "StringEquals":
		return pattern == value
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(pattern, value)
	case "StringLike":
		return wildcardMatch(pattern, value, false)
	case "ArnLike":
		return arnMatch(pattern, value)
	}
	return false
}

// arnMatch compares two ARNs segment by segment (partition, service,
// region, account, resource); each pattern segment may hold wildcards.
func arnMatch(pattern, value string) bool {
	ps := strings.SplitN(pattern, ":", 6)
	vs := strings.SplitN(value, ":", 6)
	if len(ps) != 6 || len(vs) != 6 || ps[0] != "arn" || vs[0] != "arn" {
		return false
	}
	for i := 1; i < 6; i++ {
		if !wildcardMatch(ps[i], vs[i], false) {
			return false
		}
	}
	return true
}

// wildcardMatch reports whether value matches pattern, where "*" matches any
// run of characters and "?" any one character.
func wildcardMatch(pattern, value string, foldCase bool) bool {
	if foldCase {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	// Iterative glob with backtracking to the last star.
	p, v := 0, 0
	star, mark := -1, 0
	for v < len(value) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == value[v]):
			p++
			v++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, v
			p++
		case star >= 0:
			p = star + 1
			mark++
			v = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
