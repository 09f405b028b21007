package iamactions_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/iamactions"
	"github.com/cross-account-dynamodb/cdk/internal/iamactions/internal/render"
)

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := render.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// The checked-in actions_gen.go is what the pinned package generates.
func TestGeneratedFileUpToDate(t *testing.T) {
	root := moduleRoot(t)
	if _, err := os.Stat(render.Dir(root)); err != nil {
		msg := render.Package + " is not installed in node_modules (run npm ci)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: this test must run)")
		}
		t.Skip(msg + " (set CI=true to make this a failure)")
	}
	want, err := render.Render(root)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(render.File)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		gl, wl := "", ""
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs from what the installed %s generates (run npm ci, then go generate ./internal/iamactions); first at line %d:\n got: %s\nwant: %s",
				render.File, render.Package, i+1, gl, wl)
		}
	}
}

// DataVersion is the exact version package.json and package-lock.json pin.
func TestPinnedVersion(t *testing.T) {
	root := moduleRoot(t)
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	readJSON(t, filepath.Join(root, "package.json"), &pkg)
	if got := pkg.DevDependencies[render.Package]; got != iamactions.DataVersion {
		t.Errorf("package.json pins %s %q, %s was generated from %q", render.Package, got, render.File, iamactions.DataVersion)
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readJSON(t, filepath.Join(root, "package-lock.json"), &lock)
	if got := lock.Packages["node_modules/"+render.Package].Version; got != iamactions.DataVersion {
		t.Errorf("package-lock.json locks %s %q, %s was generated from %q", render.Package, got, render.File, iamactions.DataVersion)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestLists(t *testing.T) {
	for _, s := range []struct {
		prefix  string
		actions []iamactions.Action
	}{
		{"dynamodb", iamactions.DynamoDB},
		{"kms", iamactions.KMS},
		{"sts", iamactions.STS},
		{"lambda", iamactions.Lambda},
	} {
		names := iamactions.Names(s.actions)
		if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
			t.Errorf("%s: names are not sorted and unique", s.prefix)
		}
		for _, a := range s.actions {
			if !strings.HasPrefix(a.Name, s.prefix+":") || len(a.Name) == len(s.prefix)+1 {
				t.Errorf("%s: action %q", s.prefix, a.Name)
			}
			if !slices.IsSorted(a.ResourceTypes) {
				t.Errorf("%s: resource types not sorted: %v", a.Name, a.ResourceTypes)
			}
		}
	}

	for _, c := range []struct {
		actions      []iamactions.Action
		resourceType string
		min          int
		want         []string
	}{
		{iamactions.DynamoDB, "table", 41, []string{
			"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:CreateTableReplica",
			"dynamodb:EnableKinesisStreamingDestination", "dynamodb:ExportTableToPointInTime",
			"dynamodb:PutResourcePolicy",
		}},
		{iamactions.DynamoDB, "index", 1, []string{"dynamodb:Query", "dynamodb:Scan"}},
		{iamactions.DynamoDB, "stream", 1, []string{"dynamodb:GetRecords", "dynamodb:GetShardIterator"}},
		{iamactions.KMS, "key", 12, []string{
			"kms:Decrypt", "kms:GenerateDataKey", "kms:RevokeGrant", "kms:EnableKeyRotation", "kms:PutKeyPolicy",
		}},
		{iamactions.STS, "role", 4, []string{
			"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:TagSession",
		}},
		{iamactions.Lambda, "function", 2, []string{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl"}},
	} {
		got := iamactions.On(c.actions, c.resourceType)
		if len(got) < c.min {
			t.Errorf("On(%q): %d actions, want at least %d", c.resourceType, len(got), c.min)
		}
		for _, name := range c.want {
			if !slices.Contains(got, name) {
				t.Errorf("On(%q) lacks %s", c.resourceType, name)
			}
		}
	}

	if got := iamactions.Unscoped(iamactions.DynamoDB); !slices.Contains(got, "dynamodb:ListTables") || slices.Contains(got, "dynamodb:PutItem") {
		t.Errorf("Unscoped(DynamoDB) = %v", got)
	}
	if got := iamactions.On(iamactions.DynamoDB, "no-such-type"); got != nil {
		t.Errorf("On(no-such-type) = %v", got)
	}
}
