package config

import (
	"maps"
	"testing"
)

// defaultContext returns the context cdk.json holds: the defaults a fresh
// clone synthesizes with.
func defaultContext(t *testing.T) map[string]any {
	t.Helper()
	ctx, err := ContextFromFile("../../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// withContext returns a copy of ctx with the given keys replaced.
func withContext(ctx map[string]any, kv ...any) map[string]any {
	out := maps.Clone(ctx)
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}
