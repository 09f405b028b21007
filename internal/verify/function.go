package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// The writer function's settings, as WriterStack deploys them.
const (
	functionRuntime      = lambdatypes.Runtime(writerspec.Runtime)
	functionArchitecture = lambdatypes.Architecture(writerspec.Architecture)
	tableArnVariable     = writerspec.TableArn
)

// checkFunction finds the functions that run as the writer's role (the
// function has no fixed name; its role has), checks each one's
// configuration, and reads who can make each one act, for the access
// check.
func (v *verifier) checkFunction(ctx context.Context, c aws.Config, w config.Writer) ([]functionRef, []*access.Function) {
	client := lambda.NewFromConfig(c)
	found, ok := v.functionsWithRole(ctx, client, w)
	if !ok {
		return nil, nil
	}
	var live []*access.Function
	for _, f := range found {
		if fn, ok := v.functionAccess(ctx, client, functionRef{Name: aws.ToString(f.FunctionName), Arn: aws.ToString(f.FunctionArn)}, w); ok {
			live = append(live, fn)
		}
	}
	return v.checkWriterFunctions(found, w), live
}

// checkWriterFunctions checks that a writer with dynamodb:PutItem has one
// function as WriterStack deploys it, and returns the functions for the
// write probe.
func (v *verifier) checkWriterFunctions(found []lambdatypes.FunctionConfiguration, w config.Writer) []functionRef {
	if !w.HasFunction() {
		if len(found) == 0 {
			v.ok("no function, as expected for a writer without dynamodb:PutItem")
		} else {
			v.note("writer %s has no dynamodb:PutItem, so %s deploys no function, but %d run as its role (not checked; the write probe skips them)", w.Name, w.StackName(), len(found))
		}
		return nil
	}
	if len(found) == 0 {
		v.cannot("no function in %s runs as role %s: %s is not deployed there; run: %s",
			v.where(w.Account, w.Region), w.RoleArn(), w.StackName(), v.deployHint(w.StackName(), w.Account))
		return nil
	}
	if len(found) > 1 {
		names := make([]string, len(found))
		for i, f := range found {
			names[i] = aws.ToString(f.FunctionName)
		}
		v.fail("%d functions run as role %s (%s); %s deploys one", len(found), w.RoleArn(), strings.Join(names, ", "), w.StackName())
	}
	var refs []functionRef
	for _, f := range found {
		v.checkFunctionConfig(f, w)
		ref := functionRef{Name: aws.ToString(f.FunctionName), Arn: aws.ToString(f.FunctionArn)}
		if f.Environment != nil {
			ref.Env = f.Environment.Variables
		}
		refs = append(refs, ref)
	}
	return refs
}

// functionAccess reads what decides who can make a function act: its
// resource policy, its event source mappings and its URL, for the access
// check. ok is false when one of them could not be read.
func (v *verifier) functionAccess(ctx context.Context, client *lambda.Client, f functionRef, w config.Writer) (*access.Function, bool) {
	fn := &access.Function{Arn: f.Arn, Account: w.Account, Region: w.Region, Stack: "live " + w.StackName(), Logical: "function/" + f.Name, RoleArn: w.RoleArn()}
	var missing *lambdatypes.ResourceNotFoundException
	policy, err := client.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(f.Name)})
	switch {
	case errors.As(err, &missing):
		// no resource policy: no one is let in by it
	case err != nil:
		v.readFailed(w.Account, w.Region, "lambda:GetPolicy", f.Arn, err)
		return nil, false
	default:
		var doc any
		if err := json.Unmarshal([]byte(aws.ToString(policy.Policy)), &doc); err != nil {
			v.cannot("the resource policy of function %s is not JSON: %v", f.Name, err)
			return nil, false
		}
		where := access.Location{Stack: fn.Stack, Resource: fn.Logical, Policy: "resource policy"}
		if fn.Policy, err = access.ParsePolicy(doc, access.FunctionPolicy, where); err != nil {
			v.cannot("cannot evaluate the resource policy of function %s: %v", f.Name, err)
			return nil, false
		}
	}
	pages := lambda.NewListEventSourceMappingsPaginator(client, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String(f.Name)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			v.readFailed(w.Account, w.Region, "lambda:ListEventSourceMappings", f.Arn, err)
			return nil, false
		}
		for _, m := range page.EventSourceMappings {
			source := aws.ToString(m.EventSourceArn)
			if source == "" {
				source = "a self-managed event source"
			}
			fn.Sources = append(fn.Sources, access.EventSource{Where: access.Location{Stack: fn.Stack, Resource: "event-source-mapping/" + aws.ToString(m.UUID)}, Arn: source})
		}
	}
	url, err := client.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(f.Name)})
	switch {
	case errors.As(err, &missing):
	case err != nil:
		v.readFailed(w.Account, w.Region, "lambda:GetFunctionUrlConfig", f.Arn, err)
		return nil, false
	default:
		fn.URLs = append(fn.URLs, fmt.Sprintf("%s (AuthType %s)", aws.ToString(url.FunctionUrl), url.AuthType))
	}
	v.ok("function %s: %d resource policy statements, %d event source mappings, %d URLs", f.Name, len(fn.Policy), len(fn.Sources), len(fn.URLs))
	return fn, true
}

func (v *verifier) functionsWithRole(ctx context.Context, client *lambda.Client, w config.Writer) ([]lambdatypes.FunctionConfiguration, bool) {
	var out []lambdatypes.FunctionConfiguration
	pages := lambda.NewListFunctionsPaginator(client, &lambda.ListFunctionsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			v.readFailed(w.Account, w.Region, "lambda:ListFunctions", "the functions of "+w.StackName(), err)
			return nil, false
		}
		for _, f := range page.Functions {
			if aws.ToString(f.Role) == w.RoleArn() {
				out = append(out, f)
			}
		}
	}
	return out, true
}

// checkFunctionConfig compares a function's configuration with what
// WriterStack deploys.
func (v *verifier) checkFunctionConfig(f lambdatypes.FunctionConfiguration, w config.Writer) {
	name := aws.ToString(f.FunctionName)
	var env map[string]string
	if f.Environment != nil {
		env = f.Environment.Variables
		if f.Environment.Error != nil {
			v.cannot("function %s: its environment cannot be read: %s", name, aws.ToString(f.Environment.Error.Message))
			return
		}
	}
	if got, want := env[tableArnVariable], v.cfg.TableArn(); got == want {
		v.ok("function %s: %s is %s", name, tableArnVariable, want)
	} else {
		v.fail("function %s: %s is %q, want %s: the writer writes to another table (if %s was deployed with this configuration, this was changed outside CloudFormation, and a deploy without a template change does not undo it: aws lambda update-function-configuration %s --function-name %s --environment 'Variables={%s=%s}')",
			name, tableArnVariable, got, want, w.StackName(), v.cliArgs(w.Account, w.Region), name, tableArnVariable, want)
	}
	if got, set := env[writerspec.Source]; set && w.Source != config.SourceQueue {
		v.fail("function %s: %s is %q, but writer %s is invoked (source %q): the function would read each invocation as a batch of queue messages; redeploy %s",
			name, writerspec.Source, got, w.Name, w.Source, w.StackName())
	}
	checks := []struct{ what, got, want string }{
		{"role", aws.ToString(f.Role), w.RoleArn()},
		{"runtime", string(f.Runtime), string(functionRuntime)},
		{"architecture", architectures(f.Architectures), string(functionArchitecture)},
	}
	for _, c := range checks {
		if c.got == c.want {
			v.ok("function %s: %s is %s", name, c.what, c.want)
		} else {
			v.fail("function %s: %s is %q, want %s (redeploy %s)", name, c.what, c.got, c.want, w.StackName())
		}
	}
}

func architectures(a []lambdatypes.Architecture) string {
	if len(a) == 0 {
		return string(lambdatypes.ArchitectureX8664) // Lambda's default
	}
	s := make([]string, len(a))
	for i, x := range a {
		s[i] = string(x)
	}
	return strings.Join(s, ",")
}
