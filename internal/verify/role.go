package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// liveWriter is what verify found of one writer in its account.
type liveWriter struct {
	config.Writer
	// role is the live role with its identity statements; nil when the
	// role could not be read.
	role *access.Role
	// functions are the functions that run as the writer's role.
	functions []functionRef
	// access are those functions with who can make them act, for the
	// access check.
	access []*access.Function
	// queue is a queue writer's queue; nil for an invoke writer, or when
	// it could not be read.
	queue *liveQueue
}

// functionRef names one live function.
type functionRef struct {
	Name, Arn string
	// Env is the function's environment.
	Env map[string]string
}

// checkWriter reads a writer's role, its policies and its function.
func (v *verifier) checkWriter(ctx context.Context, w config.Writer, synth *synthesized) *liveWriter {
	lw := &liveWriter{Writer: w}
	c, err := v.awsConfig(ctx, w.Account, w.Region)
	if err != nil {
		v.cannot("%v", err)
		return lw
	}
	lw.role = v.checkRole(ctx, iam.NewFromConfig(c), w, synth)
	lw.functions, lw.access = v.checkFunction(ctx, c, w)
	if w.Source == config.SourceQueue {
		lw.queue = v.checkQueue(ctx, c, w, synth, lw.functions)
		if lw.queue != nil {
			v.checkQueueEnvironment(lw)
		}
	}
	return lw
}

// checkRole reads the role, compares its trust policy with the synthesized
// one, and collects the statements of its inline and attached managed
// policies. It fails closed on a permissions boundary, which the access
// check does not evaluate.
func (v *verifier) checkRole(ctx context.Context, client *iam.Client, w config.Writer, synth *synthesized) *access.Role {
	out, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(w.RoleName)})
	var missing *iamtypes.NoSuchEntityException
	switch {
	case errors.As(err, &missing):
		v.cannot("role %s not found in account %s: %s is not deployed; run: %s", w.RoleName, w.Account, w.StackName(), v.deployHint(w.StackName(), w.Account))
		return nil
	case err != nil:
		v.readFailed(w.Account, "global", "iam:GetRole", w.RoleArn(), err)
		return nil
	}
	arn := aws.ToString(out.Role.Arn)
	if arn != w.RoleArn() {
		v.fail("role %s has ARN %s, want %s (the table policy's aws:PrincipalArn names that ARN)", w.RoleName, arn, w.RoleArn())
	} else {
		v.ok("role %s exists", arn)
	}
	if b := out.Role.PermissionsBoundary; b != nil {
		v.cannot("role %s has the permissions boundary %s, which the access check does not evaluate; WriterStack sets none", arn, aws.ToString(b.PermissionsBoundaryArn))
		return nil
	}
	role := &access.Role{Principal: access.Principal{Arn: arn, Account: w.Account}, Region: w.Region, Stack: "live " + w.StackName(), Logical: "role/" + w.RoleName}
	// The access check evaluates the live trust policy: whoever it admits
	// can do what the role can. A trust policy it cannot read leaves
	// Trust nil, which the check reports as a role it cannot bound.
	if trust, err := decodePolicy(out.Role.AssumeRolePolicyDocument); err != nil {
		v.cannot("the trust policy of %s: %v", arn, err)
	} else {
		v.comparePolicy("the trust policy of "+w.RoleName, "the synthesized one (lambda.amazonaws.com only)", trust, synth.trust[w.RoleArn()],
			"someone else may now assume the writer's role; redeploy "+w.StackName())
		where := access.Location{Stack: role.Stack, Resource: role.Logical, Policy: "trust policy"}
		if role.Trust, err = access.ParsePolicy(trust, access.TrustPolicy, where); err != nil {
			v.cannot("cannot evaluate the trust policy of %s: %v", arn, err)
		}
	}
	inline, ok1 := v.inlineStatements(ctx, client, w)
	managed, ok2 := v.managedStatements(ctx, client, w)
	if !ok1 || !ok2 {
		return nil
	}
	role.Statements = append(inline, managed...)
	return role
}

func (v *verifier) inlineStatements(ctx context.Context, client *iam.Client, w config.Writer) ([]access.Statement, bool) {
	var out []access.Statement
	pages := iam.NewListRolePoliciesPaginator(client, &iam.ListRolePoliciesInput{RoleName: aws.String(w.RoleName)})
	var names []string
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			v.readFailed(w.Account, "global", "iam:ListRolePolicies", w.RoleArn(), err)
			return nil, false
		}
		names = append(names, page.PolicyNames...)
	}
	for _, name := range names {
		p, err := client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(w.RoleName), PolicyName: aws.String(name)})
		if err != nil {
			v.readFailed(w.Account, "global", "iam:GetRolePolicy", w.RoleArn()+" policy "+name, err)
			return nil, false
		}
		st, ok := v.identityStatements(p.PolicyDocument, w, "inline policy "+name)
		if !ok {
			return nil, false
		}
		out = append(out, st...)
	}
	v.ok("role %s: %d inline policies %v", w.RoleName, len(names), names)
	return out, true
}

func (v *verifier) managedStatements(ctx context.Context, client *iam.Client, w config.Writer) ([]access.Statement, bool) {
	var attached []iamtypes.AttachedPolicy
	pages := iam.NewListAttachedRolePoliciesPaginator(client, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(w.RoleName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			v.readFailed(w.Account, "global", "iam:ListAttachedRolePolicies", w.RoleArn(), err)
			return nil, false
		}
		attached = append(attached, page.AttachedPolicies...)
	}
	var out []access.Statement
	var arns []string
	for _, a := range attached {
		arn := aws.ToString(a.PolicyArn)
		arns = append(arns, arn)
		p, err := client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: a.PolicyArn})
		if err != nil {
			v.readFailed(w.Account, "global", "iam:GetPolicy", arn, err)
			return nil, false
		}
		pv, err := client.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: a.PolicyArn, VersionId: p.Policy.DefaultVersionId})
		if err != nil {
			v.readFailed(w.Account, "global", "iam:GetPolicyVersion", arn, err)
			return nil, false
		}
		st, ok := v.identityStatements(pv.PolicyVersion.Document, w, "managed policy "+arn)
		if !ok {
			return nil, false
		}
		out = append(out, st...)
	}
	v.ok("role %s: %d attached managed policies %v", w.RoleName, len(arns), arns)
	return out, true
}

// identityStatements decodes and parses one live identity policy.
func (v *verifier) identityStatements(doc *string, w config.Writer, policy string) ([]access.Statement, bool) {
	parsed, err := decodePolicy(doc)
	if err == nil {
		var st []access.Statement
		where := access.Location{Stack: "live " + w.StackName(), Resource: "role/" + w.RoleName, Policy: policy}
		st, err = access.ParsePolicy(parsed, access.IdentityPolicy, where)
		if err == nil {
			return st, true
		}
	}
	v.cannot("cannot evaluate %s of role %s: %v", policy, w.RoleArn(), err)
	return nil, false
}

// decodePolicy decodes a policy document as IAM returns it: URL-encoded
// JSON.
func decodePolicy(doc *string) (any, error) {
	raw, err := url.PathUnescape(aws.ToString(doc))
	if err != nil {
		return nil, fmt.Errorf("policy document is not URL-encoded: %v", err)
	}
	var out any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		return nil, fmt.Errorf("policy document is not JSON: %v", err)
	}
	return out, nil
}
