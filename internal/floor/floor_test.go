package floor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
)

// The floor function builds with the project's flags and pins the project's
// aws-lambda-go.
func TestFunctionBuildsWithTheProjectsVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root, err := gobuild.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Function(ctx, root, dir); err != nil {
		t.Fatal(err)
	}
	want, err := goCmd(ctx, root, nil, "list", "-m", "-f", "{{.Version}}", "github.com/aws/aws-lambda-go")
	if err != nil {
		t.Fatal(err)
	}
	goMod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(goMod), "github.com/aws/aws-lambda-go "+strings.TrimSpace(want)) {
		t.Errorf("go.mod does not pin aws-lambda-go %s:\n%s", want, goMod)
	}
	out := t.TempDir()
	if err := gobuild.Build(ctx, gobuild.Options{ModuleRoot: dir, Entry: ".", OutputDir: out, GOARCH: "arm64"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "bootstrap")); err != nil {
		t.Error(err)
	}
}
