// Package cdkcommands prints the CDK CLI commands that bootstrap, deploy,
// diff or destroy every stack of the configuration, each with its account's
// profile: what make bootstrap, deploy, diff and destroy run.
package cdkcommands

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/shellquote"
)

// Verbs are the CDK CLI commands Commands knows.
var Verbs = []string{"bootstrap", "deploy", "diff", "destroy"}

// Commands returns the CDK CLI commands that run verb for every stack of
// the configuration, each with its account's profile (profiles maps
// accounts to profiles) and the -c values contextArgs: the operator's
// commands, with the configured accounts and regions instead of copied
// IDs. bootstrap gives one command per environment; deploy and diff put
// TableStack first, so that a new writer's grant is in place before its
// function exists; destroy puts it last.
func Commands(verb string, cfg config.Config, profiles map[string]string, contextArgs []string) ([]string, error) {
	if !slices.Contains(Verbs, verb) {
		return nil, fmt.Errorf("got %q, want one of %s", verb, strings.Join(Verbs, ", "))
	}
	type stack struct{ name, account, region string }
	stacks := []stack{{config.TableStackName, cfg.TableAccount, cfg.TableRegion}}
	for _, w := range cfg.Writers {
		stacks = append(stacks, stack{w.StackName(), w.Account, w.Region})
	}
	if verb == "destroy" {
		stacks = append(stacks[1:], stacks[0])
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range stacks {
		if verb != "bootstrap" {
			out = append(out, Command(verb, s.name, s.account, profiles, contextArgs))
			continue
		}
		// An explicit environment needs neither the app nor its context.
		env := "aws://" + s.account + "/" + s.region
		if !seen[env] {
			out = append(out, "npx cdk bootstrap "+env+ProfileArg(profiles[s.account]))
		}
		seen[env] = true
	}
	return out, nil
}

// Command is `npx cdk <verb> <stack> -e` with the -c values and the
// account's profile. -e (--exclusively) acts on that stack only, and
// builds the assets of that stack only.
func Command(verb, stack, account string, profiles map[string]string, contextArgs []string) string {
	cmd := "npx cdk " + verb + " " + stack + " -e"
	for _, c := range contextArgs {
		cmd += " -c " + shellquote.Quote(c)
	}
	return cmd + ProfileArg(profiles[account])
}

// ProfileArg is " --profile <profile>", quoted for the shell; "" for the
// default credentials.
func ProfileArg(profile string) string {
	if profile == "" {
		return ""
	}
	return " --profile " + shellquote.Quote(profile)
}
