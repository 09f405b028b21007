package stacks

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// accessAssemblies holds the cloud assemblies cmd/access's tests check, one
// directory per configuration (its overrides.json, applied over cdk.json).
// They are synthesized here, so that the access check's tests run without
// Node; this test keeps them current.
const accessAssemblies = "../cmd/access/testdata/assemblies"

var updateAccessAssemblies = flag.Bool("update-access-assemblies", false, "rewrite "+accessAssemblies+" from the app")

// TestAccessAssembliesAreCurrent synthesizes each configuration and compares
// its templates and stack manifest with the stored ones; with
// -update-access-assemblies it rewrites them instead.
func TestAccessAssembliesAreCurrent(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(accessAssemblies, "*", "overrides.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no assemblies in %s (%v)", accessAssemblies, err)
	}
	for _, overridesFile := range dirs {
		dir := filepath.Dir(overridesFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			for name, want := range synthesizeForAccess(t, overridesFile) {
				path := filepath.Join(dir, name)
				if *updateAccessAssemblies {
					if err := os.WriteFile(path, want, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s is not what the app synthesizes (%v); run: go test ./stacks -run TestAccessAssembliesAreCurrent -update-access-assemblies", path, err)
				}
			}
		})
	}
}

// synthesizeForAccess synthesizes the app from cdk.json with the overrides
// in file, and returns the files cmd/access reads: each stack's template and
// a manifest that lists only the stacks, with their environments.
func synthesizeForAccess(t *testing.T, file string) map[string][]byte {
	t.Helper()
	var overrides map[string]any
	if raw, err := os.ReadFile(file); err != nil || json.Unmarshal(raw, &overrides) != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	ctx := defaultContext(t)
	for k, v := range overrides {
		ctx[k] = v
	}
	cfg, err := config.FromContext(ctx, knownRegions())
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx["aws:cdk:bundling-stacks"] = []any{}
	out := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(out)})
	if _, err := Build(app, cfg); err != nil {
		t.Fatal(err)
	}
	app.Synth(nil)

	var manifest struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			Environment string `json:"environment"`
			Properties  struct {
				TemplateFile string `json:"templateFile"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	readJSON(t, filepath.Join(out, "manifest.json"), &manifest)
	files := map[string][]byte{}
	stacks := map[string]any{}
	for name, a := range manifest.Artifacts {
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		stacks[name] = a
		var tmpl any
		readJSON(t, filepath.Join(out, a.Properties.TemplateFile), &tmpl)
		files[a.Properties.TemplateFile] = indented(t, tmpl)
	}
	files["manifest.json"] = indented(t, map[string]any{"artifacts": stacks})
	return files
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func indented(t *testing.T, v any) []byte {
	t.Helper()
	out, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}
