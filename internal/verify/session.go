package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/cross-account-dynamodb/cdk/internal/cdkcommands"
	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// verifier holds the options, the report and the AWS configuration loaded
// for each account and region.
type verifier struct {
	report
	opts Options
	cfg  config.Config
	aws  map[[2]string]aws.Config // (account, region) -> SDK configuration
}

func newVerifier(opts Options) *verifier {
	return &verifier{report: report{out: opts.Out}, opts: opts, cfg: opts.Config, aws: map[[2]string]aws.Config{}}
}

// profile says which credentials an account is read with, for messages.
func (v *verifier) profile(account string) string {
	if p := v.opts.Profiles[account]; p != "" {
		return fmt.Sprintf("profile %q", p)
	}
	return "the default credentials"
}

// where names an account, its credentials and a region, for messages.
func (v *verifier) where(account, region string) string {
	return fmt.Sprintf("account %s (%s), region %s", account, v.profile(account), region)
}

// awsConfig loads the SDK configuration of account's profile in region:
// credentials and endpoints come from the shared config files and the
// environment, as for the AWS CLI.
func (v *verifier) awsConfig(ctx context.Context, account, region string) (aws.Config, error) {
	key := [2]string{account, region}
	if c, ok := v.aws[key]; ok {
		return c, nil
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}
	if p := v.opts.Profiles[account]; p != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(p))
	}
	c, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load the AWS configuration of %s: %v", v.profile(account), err)
	}
	v.aws[key] = c
	return c, nil
}

// accounts lists each account of the configuration once, the table's
// first, with the region its identity is checked in and what it is for.
func (v *verifier) accounts() (ids []string, region, role map[string]string) {
	region = map[string]string{v.cfg.TableAccount: v.cfg.TableRegion}
	role = map[string]string{v.cfg.TableAccount: "the table's account (" + config.TableStackName + ")"}
	ids = []string{v.cfg.TableAccount}
	for _, w := range v.cfg.Writers {
		if slices.Contains(ids, w.Account) {
			role[w.Account] += ", " + w.StackName()
			continue
		}
		ids = append(ids, w.Account)
		region[w.Account] = w.Region
		role[w.Account] = "the account of " + w.StackName()
	}
	return ids, region, role
}

// checkIdentities asks STS who each account's credentials are, before
// anything else: with the wrong profile every later read would describe
// another account. It reports whether every account matched.
func (v *verifier) checkIdentities(ctx context.Context) bool {
	ids, regions, roles := v.accounts()
	all := true
	for _, id := range ids {
		c, err := v.awsConfig(ctx, id, regions[id])
		if err != nil {
			v.cannot("%s: %v", roles[id], err)
			all = false
			continue
		}
		out, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			v.cannot("%s: cannot tell who %s is: %s", roles[id], v.profile(id), describeErr(err))
			all = false
			continue
		}
		got := aws.ToString(out.Account)
		if got != id {
			v.cannot("wrong profile: %s signs in to account %s (%s), but %s is %s; %s",
				v.profile(id), got, aws.ToString(out.Arn), roles[id], id, v.profileHint(id))
			all = false
			continue
		}
		v.ok("%s %s is %s as %s", roles[id], id, v.profile(id), aws.ToString(out.Arn))
	}
	return all
}

func (v *verifier) profileHint(account string) string {
	if f := v.opts.ProfileFlags[account]; f != "" {
		return fmt.Sprintf("pass the profile of account %s with %s", account, f)
	}
	return fmt.Sprintf("pass the profile of account %s", account)
}

// deployHint is the command that deploys stack into account.
func (v *verifier) deployHint(stack, account string) string {
	return cdkcommands.Command("deploy", stack, account, v.opts.Profiles, v.opts.ContextArgs)
}

// cliArgs are the AWS CLI's --profile and --region for account in region.
func (v *verifier) cliArgs(account, region string) string {
	return strings.TrimPrefix(cdkcommands.ProfileArg(v.opts.Profiles[account])+" --region "+region, " ")
}

// errorCode is the AWS error code of err, "" when it is not an API error.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func isAccessDenied(err error) bool {
	switch errorCode(err) {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError":
		return true
	}
	return false
}

// describeErr is err in one line: the API error's code and message when
// there is one, else the error itself.
func describeErr(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

// readFailed reports a read that failed: for a denied read, the account,
// region and the permission the profile lacks.
func (v *verifier) readFailed(account, region, permission, target string, err error) {
	if isAccessDenied(err) {
		v.cannot("access denied: %s may not %s on %s; grant %s to that identity (the README lists every permission verify needs)",
			v.where(account, region), permission, target, permission)
		return
	}
	v.cannot("%s on %s in %s failed: %s", permission, target, v.where(account, region), describeErr(err))
}
