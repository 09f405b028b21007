package shellquote

import (
	"os/exec"
	"testing"
)

// TestQuoteSurvivesTheShell passes each word through sh and expects it
// back unchanged: quotes, spaces, globs, variables, backslashes and the
// characters left bare.
func TestQuoteSurvivesTheShell(t *testing.T) {
	t.Parallel()
	words := []string{"prod-a", "tableName=orders", `writers=[{"name":"W"}]`, "it's", "", "a b", "*", "$HOME", `back\slash`, "!x", "semi;colon", "new\nline", "tab\there", "100%+1", "arn:aws:iam::1:role/x@y.z,w"}
	for _, w := range words {
		out, err := exec.Command("sh", "-c", "printf %s "+Quote(w)).Output()
		if err != nil {
			t.Fatalf("sh -c printf %%s %s: %v", Quote(w), err)
		}
		if string(out) != w {
			t.Errorf("Quote(%q) = %s, which the shell reads as %q", w, Quote(w), out)
		}
	}
	for in, want := range map[string]string{"prod-a": "prod-a", "it's": `'it'\''s'`, "": "''", `writers=[{"name":"W"}]`: `'writers=[{"name":"W"}]'`} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
