package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const workflow = ".github/workflows/ci.yml"

// actionlint runs the pinned actionlint (go tool, as make lint runs it) on
// one workflow file.
func actionlint(t *testing.T, file string) (string, error) {
	t.Helper()
	out, err := exec.Command("go", "tool", "actionlint", "-no-color", file).CombinedOutput()
	return string(out), err
}

// The workflow passes actionlint, and a broken one fails it: make lint
// would stop on a mistake in the pipeline users copy.
func TestWorkflowIsLinted(t *testing.T) {
	t.Parallel()
	if out, err := actionlint(t, workflow); err != nil {
		t.Fatalf("actionlint %s: %v\n%s", workflow, err, out)
	}
	good, err := os.ReadFile(workflow)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, from, to, want string }{
		{"a misspelt key", "    steps:\n", "    step:\n", `unexpected key "step"`},
		{"an unknown runner", "runs-on: ubuntu-24.04", "runs-on: ubuntu-2404", `label "ubuntu-2404" is unknown`},
		{"an undefined context", "group: ci-${{ github.ref }}", "group: ci-${{ gihub.ref }}", `undefined variable "gihub"`},
	} {
		broken := strings.Replace(string(good), tt.from, tt.to, 1)
		if broken == string(good) {
			t.Fatalf("%s: %q is not in %s", tt.name, tt.from, workflow)
		}
		dir := filepath.Join(t.TempDir(), ".github", "workflows")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "ci.yml")
		if err := os.WriteFile(file, []byte(broken), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := actionlint(t, file)
		if err == nil || !strings.Contains(out, tt.want) {
			t.Errorf("%s: actionlint error %v, output:\n%s\nwant a failure saying %q", tt.name, err, out, tt.want)
		}
	}
}

// The workflow runs what .ci/run runs, with every action pinned to a commit
// and the tools pinned to the versions the README prescribes.
func TestWorkflowRunsTheCIScriptWithPinnedTools(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(workflow)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, want := range []string{"run: ./.ci/run", "'moto[server]==5.2.1'", "'cfn-lint==1.51.0'", "'awscli==1.45.11'", `go-version: "1.26.8"`, `node-version: "20.20.2"`} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not contain %q", workflow, want)
		}
	}
	uses := regexp.MustCompile(`(?m)^\s*- uses: (\S+)`).FindAllStringSubmatch(text, -1)
	if len(uses) == 0 {
		t.Fatalf("%s uses no action", workflow)
	}
	pinned := regexp.MustCompile(`^[\w.-]+/[\w.-]+@[0-9a-f]{40}$`)
	for _, u := range uses {
		if !pinned.MatchString(u[1]) {
			t.Errorf("%s: %s is not pinned to a commit", workflow, u[1])
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"moto[server]==5.2.1", "cfn-lint==1.51.0"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md does not prescribe %s, which the workflow installs", want)
		}
	}
}
