package access

import (
	"encoding/json"
	"maps"
	"slices"
)

// PolicyDiff compares two policy documents statement by statement, ignoring
// the order of statements and of values in lists, and whether a single value
// is written as a string or a one-element list. It returns one line per
// statement found in only one of them, with the statement's JSON; none when
// the two are equivalent.
func PolicyDiff(got, want any) []string {
	g, w := statementSet(got), statementSet(want)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(g)) {
		if _, ok := w[k]; !ok {
			out = append(out, "statement not declared: "+g[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(w)) {
		if _, ok := g[k]; !ok {
			out = append(out, "declared statement missing: "+w[k])
		}
	}
	return out
}

// statementSet maps the normalized JSON of each statement of doc to its
// JSON as written.
func statementSet(doc any) map[string]string {
	var plain map[string]any
	if b, err := json.Marshal(doc); err == nil {
		_ = json.Unmarshal(b, &plain) // typed values become plain ones
	}
	list, ok := plain["Statement"].([]any)
	if !ok && plain["Statement"] != nil {
		list = []any{plain["Statement"]}
	}
	out := map[string]string{}
	for _, st := range list {
		key, _ := json.Marshal(normalize(st))
		written, _ := json.Marshal(st)
		out[string(key)] = string(written)
	}
	return out
}

// normalize turns every string into a one-element list and sorts lists.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	case []any:
		items := make([]string, len(v))
		for i, e := range v {
			if _, isString := e.(string); !isString {
				e = normalize(e)
			}
			b, _ := json.Marshal(e)
			items[i] = string(b)
		}
		slices.Sort(items)
		out := make([]any, len(items))
		for i, s := range items {
			_ = json.Unmarshal([]byte(s), &out[i])
		}
		return out
	case string:
		return []any{v}
	}
	return v
}
