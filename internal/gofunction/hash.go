package gofunction

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
)

// listFormat prints, for each package of the main module that the entry
// depends on, its directory and the files that go into its build.
const listFormat = `{{if and .Module .Module.Main}}{{.Dir}}` +
	`{{range .GoFiles}}|{{.}}{{end}}{{range .EmbedFiles}}|{{.}}{{end}}{{end}}`

// SourceHash fingerprints everything that decides the binary o builds: the
// Go toolchain, the build flags and target, go.mod and go.sum (which pin
// every dependency), and the Go and embedded files of the main module's
// packages that o.Entry imports, listed with the build's own flags (so that
// a file a build tag selects is hashed exactly when it is built). Tests,
// other commands, cdk.out, node_modules and .git are not part of it.
func SourceHash(ctx context.Context, o gobuild.Options) (string, error) {
	moduleRoot, err := filepath.Abs(o.ModuleRoot)
	if err != nil {
		return "", fmt.Errorf("gofunction: %v", err)
	}
	flags := gobuild.BuildFlags(o)
	pkg := gobuild.Package(o.Entry)
	args := append(append([]string{"list", "-deps"}, flags...), "-f", listFormat, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = moduleRoot
	cmd.Env = gobuild.Env(o.GOARCH)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("gofunction: go list %s in %s failed: %v\n%s", pkg, moduleRoot, err, bytes.TrimSpace(stderr.Bytes()))
	}

	h := sha256.New()
	fmt.Fprintf(h, "%s\nGOARCH=%s\n%q\n", runtime.Version(), o.GOARCH, flags)
	files := []string{"go.mod", "go.sum"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		rel, err := filepath.Rel(moduleRoot, parts[0])
		if err != nil {
			return "", fmt.Errorf("gofunction: %v", err)
		}
		for _, name := range parts[1:] {
			files = append(files, filepath.Join(rel, name))
		}
	}
	for _, name := range files {
		if err := hashFile(h, moduleRoot, name); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashFile adds a file's path (relative to the module root, so that the hash
// does not depend on where the clone lives) and its contents to h.
func hashFile(h io.Writer, root, name string) error {
	f, err := os.Open(filepath.Join(root, name))
	if os.IsNotExist(err) && name == "go.sum" {
		return nil // a module without dependencies has no go.sum
	}
	if err != nil {
		return fmt.Errorf("gofunction: %v", err)
	}
	defer f.Close()
	fmt.Fprintf(h, "\x00%s\x00", filepath.ToSlash(name))
	_, err = io.Copy(h, f)
	return err
}
