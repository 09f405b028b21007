package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// checkKeys refuses every context key that is neither the app's nor
// aws-cdk's (see cdkKey): a key the app does not read would otherwise be
// ignored without a word (-c region=eu-west-1 for tableRegion). A key within
// two edits of one of the app's gets a suggestion.
func checkKeys(context map[string]any) []error {
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(context)) {
		if slices.Contains(contextKeys, key) {
			continue
		}
		if known, ok := closeKey(key); ok {
			errs = append(errs, fmt.Errorf("%s: unknown context key; did you mean %q?", key, known))
			continue
		}
		if cdkKey(key) {
			continue
		}
		errs = append(errs, fmt.Errorf("%s: unknown context key; the app reads %s (and passes aws-cdk's own keys through: @aws-cdk/... feature flags, aws:cdk:... and aws-cdk:... settings, provider:key=value:... lookups, kebab-case CLI settings)",
			key, strings.Join(contextKeys, ", ")))
	}
	return errs
}

// closeKey returns the app's key that key is a misspelling of: within two
// edits, ignoring case, - and _ (table-name, TableName).
func closeKey(key string) (string, bool) {
	norm := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(key))
	for _, known := range contextKeys {
		if editDistance(norm, strings.ToLower(known)) <= 2 {
			return known, true
		}
	}
	return "", false
}

// cdkKey reports whether key is in aws-cdk's name space rather than the
// app's, by its shape, so that the rule does not go stale with each CDK
// release. The app's own keys are camelCase words. aws-cdk's are:
//   - feature flags and framework settings, scoped like npm packages:
//     @aws-cdk/core:..., @aws-cdk/aws-dynamodb:..., @aws-cdk-containers/...;
//   - what the CLI and the framework pass each other, under aws:cdk: and
//     aws-cdk: (aws:cdk:bundling-stacks, aws:cdk:enable-path-metadata,
//     aws:cdk:version-reporting, aws-cdk:enableDiffNoFail);
//   - a context provider's cached lookup in cdk.context.json,
//     provider:key=value:... (availability-zones:account=...:region=...);
//   - kebab-case settings, which the CLI keeps in cdk.context.json
//     (acknowledged-issue-numbers, cli-telemetry) and aws-cdk-lib reads
//     (assets-ecr-repository-name).
func cdkKey(key string) bool {
	return strings.HasPrefix(key, "@aws-cdk/") || strings.HasPrefix(key, "@aws-cdk-") ||
		strings.HasPrefix(key, "aws:cdk:") || strings.HasPrefix(key, "aws-cdk:") ||
		lookupKey.MatchString(key) || kebabKey.MatchString(key)
}

var (
	lookupKey = regexp.MustCompile(`^[a-z][a-z0-9-]*:[A-Za-z]+=`)
	kebabKey  = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)
)

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
