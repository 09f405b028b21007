package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the sample output in docs/access-check.md")

const accessDoc = "../../docs/access-check.md"

// TestDocumentedOutput keeps the sample in docs/access-check.md equal to
// what the command prints for the stored default assembly.
func TestDocumentedOutput(t *testing.T) {
	t.Parallel()
	dir, _, _ := assembly(t, "default")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-cdk-json", cdkJSON, dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d, want 0; stderr %s", code, stderr.String())
	}
	doc, err := os.ReadFile(accessDoc)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- access-output:begin -->\n", "<!-- access-output:end -->"
	before, rest, ok1 := strings.Cut(string(doc), begin)
	got, after, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the %q and %q markers", accessDoc, begin, end)
	}
	want := "```\n" + stdout.String() + "```\n"
	if got == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(accessDoc, []byte(before+begin+want+end+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the sample output in %s differs from the command's; rerun with -update-docs and review the diff", accessDoc)
}
