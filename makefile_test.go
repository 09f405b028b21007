package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeNpx records the CDK CLI commands make runs, and runs none of them;
// a synth writes one template into its output directory.
const fakeNpx = `#!/bin/sh
[ "$1" = "--no-install" ] && shift
echo "npx $*" >> "$NPX_LOG"
if [ "$1 $2" = "cdk synth" ]; then
  out=cdk.out; prev=
  for a in "$@"; do [ "$prev" = "-o" ] && out=$a; prev=$a; done
  mkdir -p "$out" && echo '{}' > "$out/TableStack.template.json"
fi
`

// makeCommands runs `make target` with a stand-in for npx and returns the
// CDK CLI commands it ran.
func makeCommands(t *testing.T, target string, vars ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("make is not installed (CI=true: this test must run)")
		}
		t.Skip("make is not installed (set CI=true to make this a failure)")
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "npx"), []byte(fakeNpx), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(bin, "npx.log")
	cmd := exec.Command("make", append([]string{"-o", "node_modules", target}, vars...)...)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "NPX_LOG="+log)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make %s: %v\n%s", target, err, out)
	}
	raw, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(raw)), "\n")
}

// make destroy turns the gates off, so that a rule added since the deploy
// never blocks a teardown; make deploy and diff keep the app's default,
// the gates on.
func TestMakeDestroySkipsTheGates(t *testing.T) {
	t.Parallel()
	got := strings.Join(makeCommands(t, "destroy", "PROFILE_A=a", "PROFILE_B=b"), "\n")
	want := "npx cdk destroy WriterStack -e -c checks=false --profile b\nnpx cdk destroy TableStack -e -c checks=false --profile a"
	if got != want {
		t.Errorf("make destroy ran\n%s\nwant\n%s", got, want)
	}
	for _, verb := range []string{"deploy", "diff"} {
		for _, c := range makeCommands(t, verb, "PROFILE_A=a", "PROFILE_B=b") {
			if strings.Contains(c, "checks") {
				t.Errorf("make %s ran %q: the gates must keep their default, on", verb, c)
			}
		}
	}
}

// TestMakeDeployPassesCDKFlags: CDK_FLAGS reach every command as written.
func TestMakeDeployPassesCDKFlags(t *testing.T) {
	t.Parallel()
	got := strings.Join(makeCommands(t, "deploy", "PROFILE_A=a", "PROFILE_B=b", "CDK_FLAGS=--require-approval never --outputs-file out.json"), "\n")
	want := "npx cdk deploy TableStack -e --profile a --require-approval never --outputs-file out.json\n" +
		"npx cdk deploy WriterStack -e --profile b --require-approval never --outputs-file out.json"
	if got != want {
		t.Errorf("make deploy ran\n%s\nwant\n%s", got, want)
	}
}

// TestMakeSynthDropsStaleTemplates: a template the last synth wrote (a
// writer since removed) is gone before the next synth, so lint and the
// access check never read it; built assets stay.
func TestMakeSynthDropsStaleTemplates(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	for _, f := range []string{"GoneStack.template.json", "asset.abc/bootstrap"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	makeCommands(t, "synth", "CDK_OUT="+out)
	if _, err := os.Stat(filepath.Join(out, "GoneStack.template.json")); !os.IsNotExist(err) {
		t.Errorf("the stale template is still there after make synth (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(out, "asset.abc/bootstrap")); err != nil {
		t.Errorf("make synth removed a built asset: %v", err)
	}
}

// TestMakeAlonePrintsTheTargets: `make` with no target lists what it can
// do, and runs nothing (it used to run npm ci).
func TestMakeAlonePrintsTheTargets(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("make", "--no-print-directory").CombinedOutput()
	if err != nil {
		t.Fatalf("make: %v\n%s", err, out)
	}
	for _, target := range []string{"synth", "test", "lint", "access", "bootstrap deploy diff destroy", "verify", "local", "bench"} {
		if !strings.Contains(string(out), "  "+target+" ") {
			t.Errorf("make alone does not list %q:\n%s", target, out)
		}
	}
	if strings.Contains(string(out), "npm") {
		t.Errorf("make alone ran npm:\n%s", out)
	}
}
