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
//	go run ./cmd/verify -commands bootstrap|deploy|diff|destroy -profile-a PROFILE -profile-b PROFILE ...
//
// With -commands it only prints the CDK CLI commands that bootstrap, deploy,
// diff or destroy every stack with its account's profile (make bootstrap,
// deploy, diff and destroy run them). Pass the same -c overrides as to
// `cdk synth`. Exit codes: 0 everything
// matches, 1 a difference was found, 2 something could not be checked.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
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
	cdkJSON, profileA, profileB string
	profiles                    accountProfiles
	overrides                   config.Overrides
	write                       bool
	commands                    string
	timeout                     time.Duration
	dir                         string
}

func parseFlags(args []string, stderr io.Writer) (*flags, bool) {
	f := &flags{dir: "cdk.out"}
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.cdkJSON, "cdk-json", "cdk.json", "the app's cdk.json, whose \"context\" holds the configuration")
	fs.Var(&f.overrides, "c", "a context value `key=value` that overrides cdk.json, as with cdk synth -c (repeatable)")
	fs.StringVar(&f.profileA, "profile-a", "", "AWS profile of the table's account (tableAccount); empty: the default credentials")
	fs.StringVar(&f.profileB, "profile-b", "", "AWS profile of the writers' account (writers[].account); empty: the default credentials")
	fs.Var(&f.profiles, "profile", "`ACCOUNT=PROFILE`: the profile of one account, for writers in more than one account (repeatable; wins over -profile-a and -profile-b)")
	fs.BoolVar(&f.write, "write", false, "invoke each writer function with a probe item, read it back and delete it with the table account's credentials")
	fs.StringVar(&f.commands, "commands", "", "print the CDK CLI commands that `VERB` (bootstrap, deploy, diff, destroy) every stack with its account's profile and the -c values, and exit without checking")
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
		return verify.ExitCannotCheck
	}
	cfg, err := readConfig(f.cdkJSON, f.overrides)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return verify.ExitCannotCheck
	}
	profiles, flagNames, err := f.accountProfiles(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return verify.ExitCannotCheck
	}
	if f.commands != "" {
		cmds, err := verify.Commands(f.commands, cfg, profiles, f.overrides.Args)
		if err != nil {
			fmt.Fprintln(stderr, "error: -commands:", err)
			return verify.ExitCannotCheck
		}
		fmt.Fprintln(stdout, strings.Join(cmds, "\n"))
		return verify.ExitOK
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	return verify.Run(ctx, verify.Options{
		Config: cfg, Assembly: f.dir, Profiles: profiles, ProfileFlags: flagNames,
		ContextArgs: f.overrides.Args, Write: f.write, Out: stdout,
	})
}

// accountProfiles maps each account of the configuration to its profile
// and to the flag that sets it.
func (f *flags) accountProfiles(cfg config.Config) (profiles, flagNames map[string]string, err error) {
	profiles = map[string]string{cfg.TableAccount: f.profileA}
	flagNames = map[string]string{cfg.TableAccount: "-profile-a"}
	for _, w := range cfg.Writers {
		profiles[w.Account], flagNames[w.Account] = f.profileB, "-profile-b"
	}
	for acct, p := range f.profiles {
		if _, known := profiles[acct]; !known {
			return nil, nil, fmt.Errorf("-profile %s=%s: account %s is neither tableAccount nor a writer's account", acct, p, acct)
		}
		profiles[acct], flagNames[acct] = p, "-profile "+acct+"=PROFILE"
	}
	return profiles, flagNames, nil
}

// readConfig returns the configuration of cdk.json's "context" with the -c
// values on top, as the CDK CLI hands it to the app.
func readConfig(cdkJSON string, overrides config.Overrides) (config.Config, error) {
	context, err := config.ReadContext(cdkJSON, overrides.Values)
	if err != nil {
		return config.Config{}, err
	}
	cfg, err := config.FromContext(context, config.Regions)
	if err != nil {
		return config.Config{}, fmt.Errorf("invalid configuration (%s context or -c):\n%w", cdkJSON, err)
	}
	return cfg, nil
}

// accountProfiles collects repeated -profile ACCOUNT=PROFILE flags.
type accountProfiles map[string]string

func (p *accountProfiles) String() string { return "" }

func (p *accountProfiles) Set(s string) error {
	acct, profile, ok := strings.Cut(s, "=")
	if !ok || profile == "" || !tablespec.ValidAccount(acct) {
		return fmt.Errorf("got %q, want ACCOUNT=PROFILE with a 12-digit account", s)
	}
	if *p == nil {
		*p = accountProfiles{}
	}
	if _, dup := (*p)[acct]; dup {
		return fmt.Errorf("account %s given twice", acct)
	}
	(*p)[acct] = profile
	return nil
}
