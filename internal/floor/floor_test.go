package floor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
)

// The floor functions build with the project's flags and pin the project's
// versions of aws-lambda-go and the DynamoDB client.
func TestFunctionsBuildWithTheProjectsVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root, err := gobuild.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		write   func(context.Context, string, string) error
		modules []string
	}{
		"hello world": {Function, []string{"github.com/aws/aws-lambda-go"}},
		"PutItem":     {PutItemFunction, []string{"github.com/aws/aws-lambda-go", "github.com/aws/aws-sdk-go-v2/service/dynamodb"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := tt.write(ctx, root, dir); err != nil {
				t.Fatal(err)
			}
			goMod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
			if err != nil {
				t.Fatal(err)
			}
			for _, module := range tt.modules {
				want, err := goCmd(ctx, root, nil, "list", "-m", "-f", "{{.Version}}", module)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(goMod), module+" "+strings.TrimSpace(want)) {
					t.Errorf("go.mod does not pin %s %s:\n%s", module, want, goMod)
				}
			}
			out := t.TempDir()
			if err := gobuild.Build(ctx, gobuild.Options{ModuleRoot: dir, Entry: ".", OutputDir: out, GOARCH: "arm64"}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(out, "bootstrap")); err != nil {
				t.Error(err)
			}
		})
	}
}
