package access

import (
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/iamactions"
)

// actionColumns are the DynamoDB actions evaluated on each table and its
// indexes: every action IAM defines on a table or an index, any action a
// policy names that IAM does not list, and any declared action.
func actionColumns(m *Model, expected []config.Grant) []string {
	cols := unlisted(m, "dynamodb", tableActions)
	for _, g := range expected {
		for _, a := range g.Actions {
			if strings.ContainsAny(a, "*?") {
				continue
			}
			if canonicalAction(a, cols) == a && !containsFold(cols, a) {
				cols = append(cols, a)
			}
		}
	}
	return cols
}

func canonicalAction(a string, cols []string) string {
	for _, c := range cols {
		if strings.EqualFold(a, c) {
			return c
		}
	}
	return a
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// tableActions are the actions IAM defines on a DynamoDB table or index,
// from the Service Authorization Reference (package iamactions).
var tableActions = slices.Compact(slices.Sorted(slices.Values(append(
	iamactions.On(iamactions.DynamoDB, "table"), iamactions.On(iamactions.DynamoDB, "index")...))))

// keyActions are the KMS actions evaluated on each key.
func keyActions(m *Model) []string {
	return unlisted(m, "kms", iamactions.On(iamactions.KMS, "key"))
}

// unlisted returns listed, plus a witness for each action pattern of the
// service that a statement of the model names and that matches none of
// listed: an action IAM does not list today is still evaluated, under the
// name the pattern gives it (its wildcards filled).
func unlisted(m *Model, service string, listed []string) []string {
	out := slices.Clone(listed)
	var policies [][]Statement
	for _, t := range m.Tables {
		policies = append(policies, t.Policy)
	}
	for _, k := range m.Keys {
		policies = append(policies, k.Policy)
	}
	for _, r := range m.Roles {
		policies = append(policies, r.Statements)
	}
	for _, policy := range policies {
		for _, st := range policy {
			for _, pattern := range append(slices.Clone(st.Actions), st.NotActions...) {
				svc, _, _ := strings.Cut(pattern, ":")
				if !strings.EqualFold(svc, service) || anyMatchesPattern(pattern, out) {
					continue
				}
				out = append(out, service+":"+fillPattern(strings.SplitN(pattern, ":", 2)[1], "AccessCheckWitness"))
			}
		}
	}
	return out
}

func anyMatchesPattern(pattern string, actions []string) bool {
	for _, a := range actions {
		if wildcardMatch(pattern, a, true) {
			return true
		}
	}
	return false
}
