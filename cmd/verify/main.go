// Command verify checks a deployed app: it reads the live table, its
// resource policy and settings in the table's account, and each writer's
// role, policies and function in the writer's account, compares them with
// the configuration and the synthesized cloud assembly, and evaluates the
// live policies with the offline access check. With -write it also proves
// one write end to end through each writer function.
//
// Usage:
//
//	go run ./cmd/verify -profile-a PROFILE -profile-b PROFILE [-profile ACCOUNT=PROFILE]...
//	    [-write] [-cdk-json cdk.json] [-c key=value]... [cdk.out]
//
// Pass the same -c overrides as to `cdk synth`. Exit codes: 0 everything
// matches, 1 a difference was found, 2 something could not be checked.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
	"github.com/cross-account-dynamodb/cdk/internal/verify"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// flags are the command line's values.
type flags struct {
	source   config.Source
	profiles config.Profiles
	write    bool
	timeout  time.Duration
	dir      string
}

func parseFlags(args []string, stderr io.Writer) (*flags, bool) {
	f := &flags{dir: "cdk.out"}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.source.Register(fs)
	f.profiles.Register(fs)
	fs.BoolVar(&f.write, "write", false, "invoke each writer function with a probe item, read it back and delete it with the table account's credentials")
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: verify -profile-a PROFILE -profile-b PROFILE [-profile ACCOUNT=PROFILE]... [-write] [-cdk-json cdk.json] [-c key=value]... [cdk.out]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, false
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return nil, false
	}
	if fs.NArg() == 1 {
		f.dir = fs.Arg(0)
	}
	return f, true
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, ok := parseFlags(args, stderr)
	if !ok {
		return exitcode.CannotCheck
	}
	cfg, err := f.source.Load()
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitcode.CannotCheck
	}
	profiles, flagNames, err := f.profiles.Of(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitcode.CannotCheck
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	return verify.Run(ctx, verify.Options{
		Config: cfg, Assembly: f.dir, Profiles: profiles, ProfileFlags: flagNames,
		ContextArgs: f.source.Overrides.Args, Write: f.write, Out: stdout,
	})
}
