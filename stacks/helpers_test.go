package stacks

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// defaultContext returns the context cdk.json holds: the defaults a fresh
// clone synthesizes with.
func defaultContext(t *testing.T) map[string]any {
	t.Helper()
	ctx, err := config.ContextFromFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// withContext returns a copy of ctx with the given keys replaced.
func withContext(ctx map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(ctx))
	for k, v := range ctx {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// synthesized is an app built from a context, with each stack's template.
type synthesized struct {
	app       *App
	cfg       config.Config
	templates map[string]map[string]any // by stack name
}

// synthesize validates ctx and builds the app from it. The function is not
// compiled (no stack is selected for bundling); the binary has tests of its
// own.
func synthesize(t *testing.T, ctx map[string]any) synthesized {
	t.Helper()
	cfg, err := config.FromContext(ctx, knownRegions())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	appCtx := withContext(ctx, "aws:cdk:bundling-stacks", []any{})
	cdkApp := awscdk.NewApp(&awscdk.AppProps{Context: &appCtx, Outdir: jsii.String(t.TempDir())})
	app, err := Build(cdkApp, cfg)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	s := synthesized{app: app, cfg: cfg, templates: map[string]map[string]any{}}
	stacks := []awscdk.Stack{app.Table.Stack}
	for _, w := range app.Writers {
		stacks = append(stacks, w.Stack)
	}
	for _, st := range stacks {
		guard(t, func() {
			s.templates[*st.StackName()] = *assertions.Template_FromStack(st, nil).ToJSON()
		})
	}
	return s
}

// guard runs f and reports a panic (how a failed jsii assertion surfaces in
// Go) as a test error, so one failure does not stop the test binary.
func guard(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%v", r)
		}
	}()
	f()
}

// resourcesOfType returns the template's resources of one CloudFormation
// type, by logical ID.
func resourcesOfType(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// onlyResource returns the one resource of a type, failing the test if there
// is not exactly one.
func onlyResource(t *testing.T, tmpl map[string]any, typ string) (string, map[string]any) {
	t.Helper()
	found := resourcesOfType(tmpl, typ)
	if len(found) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(found))
	}
	for id, r := range found {
		return id, r
	}
	return "", nil
}

// props returns a resource's Properties.
func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// asJSON normalizes a Go value into what encoding/json would decode it to,
// so that expected values written as literals compare with templates.
func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// equalJSON fails the test when got and want differ as JSON values.
func equalJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, w := asJSON(t, got), asJSON(t, want)
	if !reflect.DeepEqual(g, w) {
		gb, _ := json.MarshalIndent(g, "", "  ")
		wb, _ := json.MarshalIndent(w, "", "  ")
		t.Errorf("%s:\ngot  %s\nwant %s", what, gb, wb)
	}
}

func ref(id string) map[string]any { return map[string]any{"Ref": id} }

func getAtt(id, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{id, attr}}
}

func twoWriters() []any {
	return []any{
		map[string]any{"name": "Writer", "account": "222222222222", "region": "us-east-1", "roleName": "cross-account-items-writer"},
		map[string]any{"name": "Reporting", "account": "333333333333", "region": "eu-west-1", "roleName": "reporting-writer",
			"actions": []any{"dynamodb:PutItem", "dynamodb:UpdateItem"}},
	}
}
