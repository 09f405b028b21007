package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// operatorBlocks returns the sh blocks of the README's "From deploy to
// cleanup" section, in order, without those marked as not run here.
func operatorBlocks(t *testing.T, readme string) []string {
	t.Helper()
	raw, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "\n## From deploy to cleanup\n")
	if start < 0 {
		t.Fatal(`README has no "## From deploy to cleanup" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var blocks []string
	skip, in := false, false
	var block []string
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "<!-- not run by TestReadmeOperatorPath"):
			skip = true
		case !in && line == "```sh":
			in, block = true, nil
		case in && line == "```":
			if !skip {
				blocks = append(blocks, strings.Join(block, "\n"))
			}
			in, skip = false, false
		case in:
			block = append(block, line)
		}
	}
	return blocks
}

// fakeNpx stands in for the CDK CLI, which would call AWS: it records each
// command, and for `cdk synth` copies the synthesized test assembly to the
// output directory. The synths with every production option on and with a
// queue writer (make access checks those apps too) are the real CLI's: they
// call no AWS, and the test assembly is the default app's.
const fakeNpx = `#!/bin/sh
[ "$1" = "--no-install" ] && shift
echo "npx $*" >> "$NPX_LOG"
case "$*" in *tableEncryption=customer-managed*|*'"source":"queue"'*) exec "$REAL_NPX" --no-install "$@" ;; esac
if [ "$1 $2" = "cdk synth" ]; then
  out=cdk.out; prev=
  for a in "$@"; do [ "$prev" = "-o" ] && out=$a; prev=$a; done
  mkdir -p "$out" && cp -R "$FAKE_ASSEMBLY"/. "$out"/
fi
`

// repoView is a directory that links every top-level entry of the
// repository except the cloud assemblies, so that the README's commands run as from the
// repository's root while the files they write stay in the test's
// directory.
func repoView(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, e := range entries {
		if e.Name() == "cdk.out" || e.Name() == "cdk.out.options" || e.Name() == ".git" {
			continue
		}
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestReadmeOperatorPath runs the README's operator path, block by block,
// as one shell script: the CDK CLI is a stand-in (no AWS here), everything
// else is real: make, go run ./cmd/access and ./cmd/verify, and the AWS CLI
// against the local services behind profiles a and b.
func TestReadmeOperatorPath(t *testing.T) {
	deployment(t)
	lambdalocal.RequireTools(t, "make", "aws")
	realNpx, err := exec.LookPath("npx")
	if err != nil {
		t.Fatalf("npx: %v", err)
	}
	dir := repoView(t)
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "npx"), []byte(fakeNpx), 0o755); err != nil {
		t.Fatal(err)
	}
	npxLog := filepath.Join(bin, "npx.log")
	script := "set -ex\n" + strings.Join(operatorBlocks(t, "../../README.md"), "\n")
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"NPX_LOG="+npxLog, "REAL_NPX="+realNpx, "FAKE_ASSEMBLY="+local.assembly, "MAKEFLAGS=-o node_modules")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the README path failed: %v\n%s", err, out.String())
	}
	wantLines(t, out.String(),
		"OK: the allowed cells are exactly the 1 declared", // make access
		"OK     writer Writer: deleted the probe item",     // make verify -write
		"OK: the deployment matches the configuration and the synthesized templates.",
		`"key":{"category":"Fruit","item":"Pear"}`, // the manual invoke's response
	)
	logged, err := os.ReadFile(npxLog)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"npx cdk synth --quiet -o cdk.out",
		"npx cdk synth --quiet -o cdk.out",
		"npx cdk synth --quiet -c tableEncryption=customer-managed -c organizationId=o-a1b2c3d4e5 -c alarmEmail=ops@example.com -o cdk.out.options",
		`npx cdk synth --quiet -c writers=[{"name":"Writer","account":"222222222222","roleName":"cross-account-items-writer","source":"queue"}] -o cdk.out.queue`,
		"npx cdk bootstrap aws://111111111111/us-east-1 --profile a",
		"npx cdk bootstrap aws://222222222222/us-east-1 --profile b",
		"npx cdk diff TableStack -e --profile a",
		"npx cdk diff WriterStack -e --profile b",
		"npx cdk deploy TableStack -e --profile a",
		"npx cdk deploy WriterStack -e --profile b",
	}, "\n") + "\n"
	if string(logged) != want {
		t.Errorf("CDK CLI commands =\n%s\nwant\n%s", logged, want)
	}
	// The manual path deletes its item too.
	got, err := dynamodb.NewFromConfig(awsConfigFor(t, "a", local.cfg.TableRegion)).GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(local.cfg.TableArn()), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{"category": &ddbtypes.AttributeValueMemberS{Value: "Fruit"}, "item": &ddbtypes.AttributeValueMemberS{Value: "Pear"}},
	})
	if err != nil || len(got.Item) != 0 {
		t.Errorf("after the README path, Fruit/Pear = %v (%v), want deleted", got.Item, err)
	}
}
