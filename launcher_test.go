package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// app.sh, which cdk.json runs, builds the app once per set of inputs: it
// runs the cached binary while nothing changed, and builds again when a Go
// file, go.mod or the Go build settings change, whatever else stays the
// same. A small module stands in for the app.
func TestAppLauncherRebuildsExactlyWhenAnInputChanges(t *testing.T) {
	t.Parallel()
	script, err := os.ReadFile("app.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir, cache := t.TempDir(), t.TempDir()
	write := func(name, body string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app.sh", string(script))
	write("go.mod", "module launchertest\n\ngo 1.26\n")
	write("main.go", "package main\n\nimport \"fmt\"\n\nvar msg = \"one\"\n\nfunc main() { fmt.Println(msg) }\n")

	builds := func() []string {
		t.Helper()
		found, err := filepath.Glob(filepath.Join(cache, "*", "app-*"))
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	var last string
	run := func(step, want string, rebuilt bool, env ...string) {
		t.Helper()
		cmd := exec.Command("sh", "app.sh")
		cmd.Dir = dir
		cmd.Env = append(append(os.Environ(), "CDK_APP_CACHE="+cache), env...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: sh app.sh: %v\n%s%s", step, err, out, stderr.String())
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%s: the app printed %q, want %q", step, got, want)
		}
		// A build says so on stderr, before the minute a cold one takes.
		if said := strings.Contains(stderr.String(), "app.sh: building the app"); said != rebuilt {
			t.Errorf("%s: said it was building: %v, want %v (stderr %q)", step, said, rebuilt, stderr.String())
		}
		b := builds()
		if len(b) != 1 {
			t.Fatalf("%s: cached binaries %v, want exactly one", step, b)
		}
		if changed := b[0] != last; changed != rebuilt {
			t.Errorf("%s: rebuilt %v, want %v", step, changed, rebuilt)
		}
		last = b[0]
	}

	run("first run", "one", true)
	run("nothing changed", "one", false)
	write("node_modules/aws-cdk/index.js", "// not an input")
	write("cdk.out/manifest.json", "{}")
	write("cdk.out.options/manifest.json", "{}")
	run("only outputs changed", "one", false)
	write("main.go", "package main\n\nimport \"fmt\"\n\nvar msg = \"two\"\n\nfunc main() { fmt.Println(msg) }\n")
	run("a Go file changed", "two", true)
	write("extra.go", "package main\n\nfunc init() { msg = \"three\" }\n")
	run("a Go file added", "three", true)
	write("go.mod", "module launchertest\n\ngo 1.26\n\n// a comment\n")
	run("go.mod changed", "three", true)
	if err := os.Remove(filepath.Join(dir, "extra.go")); err != nil {
		t.Fatal(err)
	}
	run("a Go file removed", "two", true)
	run("the build settings changed", "four", true, "GOFLAGS=-ldflags=-X=main.msg=four")
	run("the build settings changed back", "two", true)

	// A checkout reached through symbolic links (as cmd/verify's README
	// test runs the CLI) is hashed through them, and its entry is dropped
	// by the next build once it is gone.
	view := t.TempDir()
	for _, name := range []string{"app.sh", "go.mod", "main.go"} {
		if err := os.Symlink(filepath.Join(dir, name), filepath.Join(view, name)); err != nil {
			t.Fatal(err)
		}
	}
	viewRun := func() string {
		t.Helper()
		cmd := exec.Command("sh", "app.sh")
		cmd.Dir = view
		cmd.Env = append(os.Environ(), "CDK_APP_CACHE="+cache)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sh app.sh in a linked view: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := viewRun(); got != "two" {
		t.Errorf("linked view: the app printed %q, want %q", got, "two")
	}
	write("main.go", "package main\n\nimport \"fmt\"\n\nvar msg = \"five\"\n\nfunc main() { fmt.Println(msg) }\n")
	if got := viewRun(); got != "five" {
		t.Errorf("linked view, after a change behind a link: the app printed %q, want %q", got, "five")
	}
	if err := os.RemoveAll(view); err != nil {
		t.Fatal(err)
	}
	run("a build after a checkout was removed", "five", true)
}
