package main

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestDocumentedFlagsAreTheCommands keeps the flags table of docs/verify.md
// equal to the flags verify -h lists: each documented flag exists, and each
// flag is documented.
func TestDocumentedFlagsAreTheCommands(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	if _, ok := parseFlags([]string{"-h"}, &stderr); ok {
		t.Fatal("-h parsed as a run")
	}
	var have []string
	for _, m := range regexp.MustCompile(`(?m)^  (-[a-z-]+)`).FindAllStringSubmatch(stderr.String(), -1) {
		have = append(have, m[1])
	}
	doc, err := os.ReadFile("../../docs/verify.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "<!-- flags:")
	if start < 0 {
		t.Fatal("docs/verify.md has no flags table marker")
	}
	var documented []string
	for _, line := range strings.Split(text[start:], "\n")[1:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		if m := regexp.MustCompile("^\\| `(-[a-z-]+)").FindStringSubmatch(line); m != nil {
			documented = append(documented, m[1])
		}
	}
	slices.Sort(have)
	slices.Sort(documented)
	if !slices.Equal(have, documented) || len(have) == 0 {
		t.Errorf("verify -h lists %v; docs/verify.md documents %v", have, documented)
	}
}
