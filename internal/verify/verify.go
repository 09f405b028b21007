// Package verify checks a deployed app against its configuration and its
// synthesized cloud assembly: it reads the live table, its resource policy
// and settings in the table's account, and each writer's role, policies and
// function in the writer's account, with the AWS SDK, evaluates the live
// policies with the offline access check, and can prove a real write end to
// end. It does not import the CDK.
package verify

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
)

// Options is what Run checks and how it reaches the accounts.
type Options struct {
	// Config is the app's configuration, read as the app reads it.
	Config config.Config
	// Assembly is the synthesized cloud assembly (cdk.out) the deployment
	// should match.
	Assembly string
	// Profiles maps each account of the configuration to the shared-config
	// profile that holds its credentials; "" uses the default credential
	// chain.
	Profiles map[string]string
	// ProfileFlags maps each account to the command-line flag that sets its
	// profile, for messages such as "pass -profile-a".
	ProfileFlags map[string]string
	// ContextArgs are the -c key=value arguments the configuration was read
	// with; deploy hints repeat them.
	ContextArgs []string
	// Write invokes each writer function with a probe item, reads it back
	// with the table account's credentials and deletes it.
	Write bool
	// Out receives the report: one line per check, the access matrix and a
	// summary.
	Out io.Writer
}

// Run checks the deployment and returns exitcode.OK, exitcode.Different or
// exitcode.CannotCheck. Every check prints one line starting with OK, FAIL or
// ERROR; the summary at the end repeats each FAIL and ERROR.
func Run(ctx context.Context, opts Options) int {
	v := newVerifier(opts)
	v.run(ctx)
	return v.summary()
}

func (v *verifier) run(ctx context.Context) {
	v.section("Synthesized assembly " + v.opts.Assembly)
	synth, ok := v.readAssembly()
	if !ok {
		return
	}
	v.section("Accounts")
	if !v.checkIdentities(ctx) {
		return // nothing else is meaningful with the wrong credentials
	}
	v.section(fmt.Sprintf("Table %s (account %s)", v.cfg.TableArn(), v.cfg.TableAccount))
	table, tableOK := v.checkTable(ctx, synth)
	var writers []*liveWriter
	for _, w := range v.cfg.Writers {
		v.section(fmt.Sprintf("Writer %s (%s, account %s, %s)", w.Name, w.StackName(), w.Account, w.Region))
		writers = append(writers, v.checkWriter(ctx, w, synth))
	}
	if tableOK {
		v.section("Live access")
		v.checkAccess(table, writers)
	}
	if v.opts.Write {
		v.section("Write probe")
		if !tableOK {
			v.cannot("write probe skipped: the table could not be read")
			return
		}
		for _, lw := range writers {
			v.probe(ctx, lw)
		}
	}
}

// report collects the outcome of every check.
type report struct {
	out      io.Writer
	passed   int
	failures []string
	problems []string
}

func (r *report) section(title string) { fmt.Fprintf(r.out, "\n== %s\n", title) }

func (r *report) ok(format string, args ...any) {
	r.passed++
	fmt.Fprintf(r.out, "OK     %s\n", fmt.Sprintf(format, args...))
}

// fail records a difference between the deployment and what it should be.
func (r *report) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.failures = append(r.failures, msg)
	fmt.Fprintf(r.out, "FAIL   %s\n", indentRest(msg))
}

// cannot records something that could not be checked.
func (r *report) cannot(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.problems = append(r.problems, msg)
	fmt.Fprintf(r.out, "ERROR  %s\n", indentRest(msg))
}

// note prints a line that changes no outcome.
func (r *report) note(format string, args ...any) {
	fmt.Fprintf(r.out, "NOTE   %s\n", indentRest(fmt.Sprintf(format, args...)))
}

func indentRest(s string) string { return strings.ReplaceAll(s, "\n", "\n       ") }

// summary prints the outcome and returns the exit code.
func (r *report) summary() int {
	r.section("Summary")
	fmt.Fprintf(r.out, "%d checks passed, %d differences, %d could not be checked.\n", r.passed, len(r.failures), len(r.problems))
	for _, f := range r.failures {
		fmt.Fprintf(r.out, "FAIL   %s\n", indentRest(f))
	}
	for _, p := range r.problems {
		fmt.Fprintf(r.out, "ERROR  %s\n", indentRest(p))
	}
	switch {
	case len(r.problems) > 0:
		return exitcode.CannotCheck
	case len(r.failures) > 0:
		return exitcode.Different
	}
	fmt.Fprintln(r.out, "OK: the deployment matches the configuration and the synthesized templates.")
	return exitcode.OK
}
