// Package exitcode declares the exit codes the checking commands share
// (cmd/access, cmd/verify, cmd/cdkcommands), so that a script reads them
// the same way from each.
package exitcode

const (
	// OK means every check passed (or, for cmd/cdkcommands, the commands
	// were printed).
	OK = 0
	// Different means the check found a difference from the
	// configuration: access, a policy, a setting that protects data.
	Different = 1
	// CannotCheck means something could not be checked: a bad flag or
	// configuration, wrong credentials, a stack not deployed, a denied
	// read, a policy the evaluator cannot bound.
	CannotCheck = 2
)
