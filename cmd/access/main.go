// Command access checks, offline, who can do what to the app's DynamoDB
// table: it evaluates the identity and table policies of a synthesized cloud
// assembly, prints the access matrix, and exits 1 when the allowed cells
// differ from the grants the configuration declares.
//
// Usage:
//
//	go run ./cmd/access [-cdk-json cdk.json] [-c key=value]... [cdk.out]
//
// Pass the same -c overrides as to `cdk synth`. Exit codes: 0 the access is
// exactly the declared one, 1 it differs, 2 the input could not be checked
// (including access the check cannot bound).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("access", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var source config.Source
	source.Register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: access [-cdk-json cdk.json] [-c key=value]... [cdk.out]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitcode.CannotCheck
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitcode.CannotCheck
	}
	dir := "cdk.out"
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}

	result, err := check(source, dir)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitcode.CannotCheck
	}
	if err := result.matrix.Print(stdout); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitcode.CannotCheck
	}
	for _, line := range append(result.policyMatches, result.policyDrift...) {
		fmt.Fprintln(stdout, line)
	}
	if len(result.matrix.Unknown) > 0 {
		fmt.Fprintf(stderr, "error: %d things the check cannot bound (CANNOT CHECK above)\n", len(result.matrix.Unknown))
		return exitcode.CannotCheck
	}
	if len(result.matrix.Differences) > 0 || len(result.policyDrift) > 0 {
		return exitcode.Different
	}
	return exitcode.OK
}

// result is what the check found: the access matrix, and each way a table
// policy of the assembly differs from the one the configuration renders.
type result struct {
	matrix        *access.Matrix
	policyMatches []string
	policyDrift   []string
}

// check reads the configuration the way the app does and checks the cloud
// assembly in dir against it.
func check(source config.Source, dir string) (*result, error) {
	cfg, err := source.Load()
	if err != nil {
		return nil, err
	}
	// The partition of each stack's region as the app computes it, from
	// (a copy of) aws-cdk-lib's region facts.
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no cloud assembly there; synthesize it first (make synth, or npx cdk synth -o %s with the same -c values)", dir, dir)
	}
	templates, err := access.LoadAssembly(dir, func(region string) string { return config.Regions[region] })
	if err != nil {
		return nil, err
	}
	model, err := access.Collect(templates)
	if err != nil {
		return nil, fmt.Errorf("cannot check %s:\n%w", dir, err)
	}
	if err := sameConfiguration(dir, cfg, model); err != nil {
		return nil, err
	}
	grants := cfg.Grants()
	r := &result{matrix: access.Check(model, grants)}
	// Beside what the policies allow, the table policy itself must be the
	// declared one: an edit that admits no one new today (a second account
	// on a statement whose condition pins the writer's role) is still not
	// what the configuration deploys.
	declared := config.TablePolicy(grants)
	for _, t := range model.Tables {
		if t.Arn != cfg.TableArn() {
			continue
		}
		r.comparePolicy("resource policy of "+t.Arn, t.Stack+"/"+t.Logical, t.Document, declared)
	}
	if cfg.CustomerManagedKey() {
		for _, k := range model.Keys {
			r.comparePolicy("key policy of "+k.Arn, k.Stack+"/"+k.Logical, k.Document, cfg.KeyPolicy())
		}
	}
	return r, nil
}

// comparePolicy records whether the policy document got is the declared
// one.
func (r *result) comparePolicy(what, where string, got, declared any) {
	diff := access.PolicyDiff(got, declared)
	if len(diff) == 0 {
		r.policyMatches = append(r.policyMatches, fmt.Sprintf("OK: the %s is the one the configuration renders.", what))
		return
	}
	r.policyDrift = append(r.policyDrift, fmt.Sprintf("FAIL: the %s (%s) is not the one the configuration renders (a hand edit, or a cdk.out synthesized with other -c values):", what, where))
	for _, d := range diff {
		r.policyDrift = append(r.policyDrift, "  "+d)
	}
}

// sameConfiguration checks that the assembly defines the table and the
// writer roles the configuration declares: an assembly synthesized with
// other -c values would otherwise read as extra and missing access.
func sameConfiguration(dir string, cfg config.Config, model *access.Model) error {
	var missing []string
	if !slices.ContainsFunc(model.Tables, func(t *access.Table) bool { return t.Arn == cfg.TableArn() }) {
		missing = append(missing, "table "+cfg.TableArn())
	}
	for _, w := range cfg.Writers {
		if !slices.ContainsFunc(model.Roles, func(r *access.Role) bool { return r.Arn == w.RoleArn() && r.Logical != "" }) {
			missing = append(missing, "role "+w.RoleArn()+" of writer "+w.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s defines no %s: it was synthesized with other values (cdk.json and -c) than the ones given here; pass the same -c values as to cdk synth, or synthesize it again", dir, strings.Join(missing, ", no "))
}
