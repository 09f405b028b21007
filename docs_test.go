package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docFiles are the README and every file of docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("docs/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("docs/*.md: %v, %d files", err, len(files))
	}
	return append([]string{"README.md"}, files...)
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestReadmeIsAGuide keeps README.md short: the reference lives in docs/.
func TestReadmeIsAGuide(t *testing.T) {
	t.Parallel()
	if n := len(readFile(t, "README.md")); n > 15*1024 {
		t.Errorf("README.md is %d bytes, want at most %d: move reference material into docs/", n, 15*1024)
	}
}

var mdLink = regexp.MustCompile(`\]\(([^)#\s]*)(#[^)\s]*)?\)`)

// TestDocLinksResolve checks every relative link of the README and docs/:
// the file exists, and an anchor names one of its headings.
func TestDocLinksResolve(t *testing.T) {
	t.Parallel()
	for _, file := range docFiles(t) {
		for _, m := range mdLink.FindAllStringSubmatch(readFile(t, file), -1) {
			target, anchor := m[1], strings.TrimPrefix(m[2], "#")
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path := file
			if target != "" {
				path = filepath.Join(filepath.Dir(file), target)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				if _, statErr := os.Stat(path); statErr != nil {
					t.Errorf("%s: link %q: %v", file, m[0], statErr)
				}
				continue
			}
			if anchor != "" && !slices.Contains(anchors(string(data)), anchor) {
				t.Errorf("%s: link %q: %s has no heading with anchor #%s", file, m[0], path, anchor)
			}
		}
	}
}

// anchors are the GitHub anchors of a Markdown file's headings.
func anchors(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var b strings.Builder
		for _, r := range h {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// TestReadmeLayoutMatchesTheTree keeps the README's layout list equal to
// the repository: every path it names exists, and every top-level entry and
// every package directory under internal/ and cmd/ is named.
func TestReadmeLayoutMatchesTheTree(t *testing.T) {
	t.Parallel()
	text := readFile(t, "README.md")
	start := strings.Index(text, "\n## Repository layout\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Repository layout" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	named := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "- ") {
			continue
		}
		head, _, _ := strings.Cut(line, ": ")
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(head, -1) {
			named[strings.TrimSuffix(m[1], "/")] = true
		}
	}
	for path := range named {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the layout names %s, which does not exist", path)
		}
	}
	out, err := exec.Command("git", "ls-files").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git ls-files: %v (CI=true: this test must run in a git checkout)", err)
		}
		t.Skipf("git ls-files: %v (not a git checkout)", err)
	}
	want := map[string]bool{}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(f, "/")
		switch {
		case (parts[0] == "internal" || parts[0] == "cmd" || parts[0] == "runtime") && len(parts) > 2:
			want[parts[0]+"/"+parts[1]] = true
		case len(parts) > 1 || !strings.HasSuffix(f, "_test.go") && f != "go.mod" && f != "go.sum" && f != "README.md" && f != "package-lock.json" && f != ".gitignore":
			want[parts[0]] = true
		}
	}
	for path := range want {
		if !named[path] && !(path == "internal" || path == "cmd" || path == "runtime") {
			t.Errorf("%s is in the tree but not in the README's layout list", path)
		}
	}
}
