package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeNpx records the CDK CLI commands make runs, and runs none of them.
const fakeNpx = `#!/bin/sh
[ "$1" = "--no-install" ] && shift
echo "npx $*" >> "$NPX_LOG"
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
