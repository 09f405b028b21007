// Command cdkcommands prints the CDK CLI commands that bootstrap, deploy,
// diff or destroy every stack of the configuration, one per line, each with
// its account's profile and the -c values: what make bootstrap, deploy,
// diff and destroy run.
//
// Usage:
//
//	go run ./cmd/cdkcommands [-profile-a PROFILE] [-profile-b PROFILE] [-profile ACCOUNT=PROFILE]...
//	    [-cdk-json cdk.json] [-c key=value]... bootstrap|deploy|diff|destroy
//
// Exit codes: 0 the commands were printed, 2 they could not be (a bad
// flag, verb or configuration).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/cdkcommands"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cdkcommands", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var source config.Source
	source.Register(fs)
	var profiles config.Profiles
	profiles.Register(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: cdkcommands [-profile-a PROFILE] [-profile-b PROFILE] [-profile ACCOUNT=PROFILE]... [-cdk-json cdk.json] [-c key=value]... %s\n", strings.Join(cdkcommands.Verbs, "|"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitcode.CannotCheck
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitcode.CannotCheck
	}
	cfg, err := source.Load()
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitcode.CannotCheck
	}
	byAccount, _, err := profiles.Of(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitcode.CannotCheck
	}
	cmds, err := cdkcommands.Commands(fs.Arg(0), cfg, byAccount, source.Overrides.Args)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitcode.CannotCheck
	}
	fmt.Fprintln(stdout, strings.Join(cmds, "\n"))
	return exitcode.OK
}
