package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// shBlock is one ```sh block of a Markdown file, with the comment line
// right before it ("" when there is none).
type shBlock struct {
	file, section, marker, text string
}

func shBlocks(t *testing.T, file string) []shBlock {
	t.Helper()
	var out []shBlock
	var section, marker string
	var block []string
	in := false
	for _, line := range strings.Split(readFile(t, file), "\n") {
		switch {
		case in && line == "```":
			out = append(out, shBlock{file, section, marker, strings.Join(block, "\n")})
			in, marker = false, ""
		case in:
			block = append(block, line)
		case line == "```sh":
			in, block = true, nil
		case strings.HasPrefix(line, "<!--"):
			marker = line
		case strings.HasPrefix(line, "## "):
			section, marker = line, ""
		case strings.TrimSpace(line) != "":
			marker = ""
		}
	}
	return out
}

// TestEveryCommandBlockIsRunOrNeedsAWS checks that each sh block of the
// README and docs/ is run by a test: TestReadmeOperatorPath runs those of
// the README's "From deploy to cleanup" section; any other is marked
// "<!-- run by TestName -->" naming a test that exists, or "<!-- needs
// AWS: why -->" (or, in the operator section, "<!-- not run by
// TestReadmeOperatorPath: why -->").
func TestEveryCommandBlockIsRunOrNeedsAWS(t *testing.T) {
	t.Parallel()
	tests := testNames(t)
	ciTargets := ciMakeTargets(t)
	runBy := regexp.MustCompile(`^<!-- run by (Test[A-Za-z0-9_]+)\b`)
	for _, file := range docFiles(t) {
		for _, b := range shBlocks(t, file) {
			operator := file == "README.md" && b.section == "## From deploy to cleanup"
			switch m := runBy.FindStringSubmatch(b.marker); {
			case m != nil:
				if !tests[m[1]] {
					t.Errorf("%s: block %q is marked as run by %s, which is not a test of the repository", file, firstLine(b.text), m[1])
				}
			case b.marker == "<!-- run by .ci/run -->":
				for _, target := range makeTargets(b.text) {
					if !ciTargets[target] {
						t.Errorf("%s: block %q is marked as run by .ci/run, which does not run make %s", file, firstLine(b.text), target)
					}
				}
			case strings.HasPrefix(b.marker, "<!-- needs AWS: "):
			case operator && (b.marker == "" || strings.HasPrefix(b.marker, "<!-- not run by TestReadmeOperatorPath: ")):
			default:
				t.Errorf("%s (%s): block %q is neither run by a test nor marked as needing AWS", file, b.section, firstLine(b.text))
			}
		}
	}
}

// makeTargets are the make targets a block runs; every line of a block
// marked as run by .ci/run must be a make command.
func makeTargets(block string) []string {
	var out []string
	for _, line := range strings.Split(block, "\n") {
		line, _, _ = strings.Cut(line, "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if fields[0] != "make" {
			return append(out, "(not make: "+line+")")
		}
		for _, f := range fields[1:] {
			if !strings.Contains(f, "=") {
				out = append(out, f)
			}
		}
	}
	return out
}

// ciMakeTargets are the make targets .ci/run runs, with every target they
// depend on in the Makefile.
func ciMakeTargets(t *testing.T) map[string]bool {
	t.Helper()
	deps := map[string][]string{}
	rule := regexp.MustCompile(`(?m)^([a-z][a-z -]*):([^=\n]*)$`)
	for _, m := range rule.FindAllStringSubmatch(readFile(t, "Makefile"), -1) {
		for _, target := range strings.Fields(m[1]) {
			deps[target] = append(deps[target], strings.Fields(m[2])...)
		}
	}
	out := map[string]bool{}
	var add func(string)
	add = func(target string) {
		if out[target] {
			return
		}
		out[target] = true
		for _, d := range deps[target] {
			add(d)
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^make ([a-z-]+)`).FindAllStringSubmatch(readFile(t, ".ci/run"), -1) {
		add(m[1])
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// testNames are the names of the test functions of the repository.
func testNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]+)\(t \*testing\.T\)`)
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), "cdk.out") || d.Name() == ".git") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			for _, m := range decl.FindAllStringSubmatch(readFile(t, path), -1) {
				names[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestReadmeRealAccountsSynth runs the README's command for real accounts
// through the pinned CDK CLI (TableStack only, into a temporary directory:
// no function to build), and checks that it synthesizes the table of the
// JSON example above it.
func TestReadmeRealAccountsSynth(t *testing.T) {
	t.Parallel()
	requireCDKCLI(t)
	var block string
	for _, b := range shBlocks(t, "README.md") {
		if strings.HasPrefix(b.marker, "<!-- run by TestReadmeRealAccountsSynth") {
			block = b.text
		}
	}
	if block == "" {
		t.Fatal("README.md has no block marked as run by TestReadmeRealAccountsSynth")
	}
	outdir := t.TempDir()
	cmd := exec.Command("sh", "-c", block+" TableStack -e --quiet -o "+outdir)
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", block, err, out)
	}
	tmpl := readFile(t, filepath.Join(outdir, "TableStack.template.json"))
	manifest := readFile(t, filepath.Join(outdir, "manifest.json"))
	for what, want := range map[string]string{
		"the table name": `"TableName": "orders"`, "the writer's role": "arn:aws:iam::210987654321:role/orders-writer",
	} {
		if !strings.Contains(tmpl, want) {
			t.Errorf("TableStack.template.json lacks %s (%s)", what, want)
		}
	}
	if !strings.Contains(manifest, "aws://123456789012/eu-west-1") {
		t.Error("manifest.json does not put TableStack in aws://123456789012/eu-west-1")
	}
}

// runInCopy runs a documented block with sh in a copy of the repository
// (its tracked files, and node_modules linked), so that what it writes
// stays out of the checkout. It returns the combined output.
func runInCopy(t *testing.T, block string) string {
	t.Helper()
	requireCDKCLI(t)
	files, err := exec.Command("git", "ls-files").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git ls-files: %v (CI=true: this test must run in a git checkout)", err)
		}
		t.Skipf("git ls-files: %v (not a git checkout)", err)
	}
	dir := t.TempDir()
	for _, f := range strings.Split(strings.TrimSpace(string(files)), "\n") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(f)
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	// The manifests older than node_modules, so that make does not run npm
	// ci through the link (it would empty the checkout's node_modules).
	old := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []string{"package.json", "package-lock.json"} {
		if err := os.Chtimes(filepath.Join(dir, f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	modules, _ := filepath.Abs("node_modules")
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-ec", block)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "MAKEFLAGS=-o node_modules", "CDK_APP_CACHE="+filepath.Join(dir, ".app-cache"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", block, err, out)
	}
	return string(out)
}

// markedBlock returns the one block of file marked as run by test.
func markedBlock(t *testing.T, file, test string) string {
	t.Helper()
	for _, b := range shBlocks(t, file) {
		if strings.HasPrefix(b.marker, "<!-- run by "+test) {
			return b.text
		}
	}
	t.Fatalf("%s has no block marked as run by %s", file, test)
	return ""
}

// TestDocsOfflineCommands runs, in one copy of the repository, the access
// check's commands of docs/access-check.md and the quoting example of
// docs/configuration.md: the -c values reach both the synth and the access
// check intact.
func TestDocsOfflineCommands(t *testing.T) {
	t.Parallel()
	access := markedBlock(t, "docs/access-check.md", "TestDocsOfflineCommands")
	quoting := markedBlock(t, "docs/configuration.md", "TestDocsOfflineCommands")
	const split = "==== the quoting example"
	out := runInCopy(t, access+"\necho '"+split+"'\n"+quoting)
	accessOut, quotingOut, _ := strings.Cut(out, split+"\n")
	// make access checks the app, the one with every option and the one
	// with a queue writer, twice (the second time with CONTEXT); go run
	// ./cmd/access checks the first again.
	if n := strings.Count(accessOut, "OK: the allowed cells are exactly"); n != 7 {
		t.Errorf("access commands: %d checks passed, want 7:\n%s", n, accessOut[max(0, len(accessOut)-3000):])
	}
	if !strings.Contains(accessOut, "table/orders") {
		t.Error("access commands: the CONTEXT example did not check the table orders")
	}
	for _, want := range []string{"table/orders", "role/orders-writer"} {
		if !strings.Contains(quotingOut, want) {
			t.Errorf("quoting example: output lacks %q:\n%s", want, quotingOut[max(0, len(quotingOut)-3000):])
		}
	}
	// make access checks the CONTEXT app, the one with every option and
	// the one with a queue writer; go run ./cmd/access checks the CONTEXT
	// app again.
	if n := strings.Count(quotingOut, "OK: the allowed cells are exactly"); n != 4 {
		t.Errorf("quoting example: %d checks passed, want 4 (make access, three times, and go run ./cmd/access)", n)
	}
}

// TestDocsMakeLocal runs docs/writer-function.md's local run: the function
// under the Lambda Runtime Interface Emulator against moto_server, one
// invocation, the item read back.
func TestDocsMakeLocal(t *testing.T) {
	t.Parallel()
	lambdalocal.RequireTools(t, "make", "moto_server")
	out := runInCopy(t, markedBlock(t, "docs/writer-function.md", "TestDocsMakeLocal"))
	for _, want := range []string{`"tableArn":"arn:aws:dynamodb:`, `"alreadyWritten":false`} {
		if !strings.Contains(out, want) {
			t.Errorf("make local: output lacks %s:\n%s", want, out[max(0, len(out)-3000):])
		}
	}
}
