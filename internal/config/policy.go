package config

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// MaxTablePolicyBytes is DynamoDB's limit on a resource policy: 20 KB,
// whitespace included.
const MaxTablePolicyBytes = 20 * 1024

// TablePolicy is the table's resource policy as TableStack synthesizes it,
// one statement per grant: the writer account's root as principal, narrowed
// to the writer's role by ArnEquals on aws:PrincipalArn (a literal ARN:
// block public access rejects wildcards there), on "*", which in a table's
// policy means the table and its indexes.
func TablePolicy(grants []Grant) map[string]any {
	statements := make([]any, len(grants))
	for i, g := range grants {
		statements[i] = grantStatement(g)
	}
	return map[string]any{"Version": "2012-10-17", "Statement": statements}
}

func grantStatement(g Grant) map[string]any {
	return map[string]any{
		"Sid":       g.Sid,
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": arns.Root(g.Partition, g.Account)},
		"Action":    singleOrList(g.Actions),
		"Resource":  "*",
		"Condition": grantCondition(g),
	}
}

// grantCondition pins a statement to the writer's role and, with an
// organization guard, to principals of that organization: a writer account
// that leaves it loses access.
func grantCondition(g Grant) map[string]any {
	cond := map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": g.RoleArn}}
	if g.OrgID != "" {
		cond["StringEquals"] = map[string]any{"aws:PrincipalOrgID": g.OrgID}
	}
	return cond
}

// policySize is the size of doc as CloudFormation sends it: compact JSON.
func policySize(doc map[string]any) int {
	b, err := json.Marshal(doc)
	if err != nil {
		panic("config: a table policy does not encode: " + err.Error()) // maps of strings always do
	}
	return len(b)
}

// checkTablePolicy reports what DynamoDB would refuse in the table policy
// the grants render into: a policy over its size limit, and a statement its
// block public access would reject.
func checkTablePolicy(grants []Grant) []error {
	var errs []error
	if size := policySize(TablePolicy(grants)); size > MaxTablePolicyBytes {
		fit := fitting(len(grants), MaxTablePolicyBytes, func(n int) map[string]any { return TablePolicy(grants[:n]) })
		errs = append(errs, fmt.Errorf("%s: the table policy would be %d bytes for %d writers, over DynamoDB's limit of %d bytes (20 KB, whitespace counted); the first %d writers fit: split the writers across tables or shorten role names",
			KeyWriters, size, len(grants), MaxTablePolicyBytes, fit))
	}
	for i, g := range grants {
		if reason := publicReason(grantStatement(g)); reason != "" {
			errs = append(errs, fmt.Errorf("%s[%d]: DynamoDB's block public access would reject the table policy: %s", KeyWriters, i, reason))
		}
	}
	return errs
}

// fitting is the largest n up to total whose rendered policy is within limit
// bytes.
func fitting(total, limit int, render func(n int) map[string]any) int {
	n := 0
	for n < total && policySize(render(n+1)) <= limit {
		n++
	}
	return n
}

// trustedKeys are the condition keys that block public access accepts as
// bounding who an Allow admits, when their values hold no wildcard or
// policy variable.
var trustedKeys = map[string]bool{
	"aws:principalarn": true, "aws:principalaccount": true, "aws:principalorgid": true,
	"aws:principalorgpaths": true, "aws:sourceaccount": true, "aws:sourcearn": true,
	"aws:sourceorgid": true, "aws:sourceorgpaths": true, "aws:sourcevpc": true,
	"aws:sourcevpce": true, "aws:userid": true,
}

// publicReason says why block public access would see the statement as
// public: an Allow whose principal is anyone, or an ARN with a wildcard or a
// variable, and no trusted condition key with literal values bounds it. It
// returns "" for a statement that is not public.
func publicReason(st map[string]any) string {
	if st["Effect"] != "Allow" {
		return ""
	}
	open := ""
	for _, p := range principalValues(st["Principal"]) {
		if p == "*" || strings.ContainsAny(p, "*?") || strings.Contains(p, "${") {
			open = p
		}
	}
	if open == "" {
		return ""
	}
	cond, _ := st["Condition"].(map[string]any)
	for op, keys := range cond {
		if strings.Contains(op, "Not") || strings.HasSuffix(op, "IfExists") {
			continue // a negated or optional condition bounds nothing
		}
		km, _ := keys.(map[string]any)
		for k, v := range km {
			if trustedKeys[strings.ToLower(k)] && literalValues(v) {
				return ""
			}
		}
	}
	return fmt.Sprintf("statement %v allows principal %q and no trusted condition key (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID, ...) with literal values bounds it", st["Sid"], open)
}

func principalValues(p any) []string {
	switch p := p.(type) {
	case string:
		return []string{p}
	case map[string]any:
		var out []string
		for _, v := range p {
			out = append(out, stringValues(v)...)
		}
		return out
	}
	return nil
}

func stringValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func literalValues(v any) bool {
	values := stringValues(v)
	for _, s := range values {
		if strings.ContainsAny(s, "*?") || strings.Contains(s, "${") {
			return false
		}
	}
	return len(values) > 0
}
