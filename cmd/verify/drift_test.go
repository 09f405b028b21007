package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
)

// Each drift is a change someone could make in the console: a and b are
// the SDK configurations of the table's and the writer's account.

func addTableStatement(ctx context.Context, a, b aws.Config) error {
	db := dynamodb.NewFromConfig(a)
	arn := aws.String(local.cfg.TableArn())
	out, err := db.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: arn})
	if err != nil {
		return err
	}
	added := `{"Sid":"Console","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"dynamodb:GetItem","Resource":"*"}`
	policy := strings.Replace(aws.ToString(out.Policy), `"Statement":[`, `"Statement":[`+added+",", 1)
	policy = strings.Replace(policy, `"Statement": [`, `"Statement": [`+added+",", 1)
	_, err = db.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: arn, Policy: aws.String(policy)})
	return err
}

func disablePITR(ctx context.Context, a, b aws.Config) error {
	_, err := dynamodb.NewFromConfig(a).UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{
		TableName:                        aws.String(local.cfg.TableArn()),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(false)},
	})
	return err
}

func disableDeletionProtection(ctx context.Context, a, b aws.Config) error {
	_, err := dynamodb.NewFromConfig(a).UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName: aws.String(local.cfg.TableArn()), DeletionProtectionEnabled: aws.Bool(false),
	})
	return err
}

// recreateRoleBare deletes the writer's role and creates it again under the
// same name and trust policy, without its inline policy.
func recreateRoleBare(ctx context.Context, a, b aws.Config) error {
	client := iam.NewFromConfig(b)
	name := aws.String(local.cfg.Writers[0].RoleName)
	role, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: name})
	if err != nil {
		return err
	}
	trust, _ := url.PathUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	policies, err := client.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: name})
	if err != nil {
		return err
	}
	for _, p := range policies.PolicyNames {
		if _, err := client.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String(p)}); err != nil {
			return err
		}
	}
	if _, err := client.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: name}); err != nil {
		return err
	}
	_, err = client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: aws.String(trust)})
	return err
}

// widenTrust lets the writer account's root assume the writer's role too.
func widenTrust(ctx context.Context, a, b aws.Config) error {
	_, err := iam.NewFromConfig(b).UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{
		RoleName: aws.String(local.cfg.Writers[0].RoleName),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},` +
			`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}`),
	})
	return err
}

// invokeFromAnotherAccount lets another account invoke the writer
// function, which writes what it is sent.
func invokeFromAnotherAccount(fn string) func(ctx context.Context, a, b aws.Config) error {
	return func(ctx context.Context, a, b aws.Config) error {
		_, err := lambda.NewFromConfig(b).AddPermission(ctx, &lambda.AddPermissionInput{
			FunctionName: aws.String(fn), StatementId: aws.String("Console"),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("333333333333"),
		})
		return err
	}
}

func changeRuntime(fn string) func(ctx context.Context, a, b aws.Config) error {
	return func(ctx context.Context, a, b aws.Config) error {
		_, err := lambda.NewFromConfig(b).UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
			FunctionName: aws.String(fn), Runtime: lambdatypes.RuntimeProvidedal2,
		})
		return err
	}
}

const otherTable = "arn:aws:dynamodb:us-east-1:111111111111:table/other"

func pointFunctionElsewhere(fn string) func(ctx context.Context, a, b aws.Config) error {
	return setFunctionEnv(fn, map[string]string{"TABLE_ARN": otherTable})
}

// setFunctionEnv replaces the function's environment with env.
func setFunctionEnv(fn string, env map[string]string) func(ctx context.Context, a, b aws.Config) error {
	return func(ctx context.Context, a, b aws.Config) error {
		_, err := lambda.NewFromConfig(b).UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
			FunctionName: aws.String(fn),
			Environment:  &lambdatypes.Environment{Variables: env},
		})
		return err
	}
}

// TestDriftIsReported changes one thing in a clean deployment and checks
// that verify exits 1 naming it, in its line and in the summary.
func TestDriftIsReported(t *testing.T) {
	deployment(t) // starts the services, which the cases below read
	fn, table := writerFunction(t), local.cfg.TableArn()
	tests := []struct {
		name  string
		drift func(ctx context.Context, a, b aws.Config) error
		want  []string
	}{
		{"a statement added to the table policy", addTableStatement, []string{
			"FAIL   the live resource policy differs from the synthesized one",
			`statement not declared: {"Action":"dynamodb:GetItem","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Resource":"*","Sid":"Console"}`,
			"FAIL   live access differs from the declared access: extra access: arn:aws:iam::333333333333:role/",
		}},
		{"point-in-time recovery disabled", disablePITR, []string{"FAIL   point-in-time recovery is disabled on " + table}},
		{"deletion protection turned off", disableDeletionProtection, []string{"FAIL   deletion protection is off on " + table}},
		{"the role re-created without its inline policy", recreateRoleBare, []string{
			"OK     role cross-account-items-writer: 0 inline policies",
			"MISSING!",
			"FAIL   live access differs from the declared access: missing access: arn:aws:iam::222222222222:role/cross-account-items-writer cannot dynamodb:PutItem on " + table,
		}},
		{"the role's trust policy widened", widenTrust, []string{
			"FAIL   the trust policy of cross-account-items-writer differs from the synthesized one (lambda.amazonaws.com only)",
			`statement not declared: {"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"}}`,
			"FAIL   live access differs from the declared access: extra access: arn:aws:iam::222222222222:root can dynamodb:PutItem on " + table +
				" via role arn:aws:iam::222222222222:role/cross-account-items-writer (its trust policy admits it for sts:AssumeRole",
		}},
		{"an invoke permission for another account on the function", invokeFromAnotherAccount(fn), []string{
			"OK     function " + fn + ": 1 resource policy statements, 0 event source mappings, 0 URLs",
			"FAIL   live access differs from the declared access: extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + table +
				" via function live WriterStack/function/" + fn + " (its resource policy admits it for lambda:InvokeFunction",
		}},
		{"the function's runtime changed", changeRuntime(fn), []string{
			`FAIL   function ` + fn + `: runtime is "provided.al2", want provided.al2023`,
		}},
		{"the function pointed at another table", pointFunctionElsewhere(fn), []string{
			`FAIL   function ` + fn + `: TABLE_ARN is "` + otherTable + `", want ` + table,
		}},
		{"an invoked writer's function told it drains a queue", setFunctionEnv(fn, map[string]string{"TABLE_ARN": table, "WRITER_SOURCE": "queue"}), []string{
			`FAIL   function ` + fn + `: WRITER_SOURCE is "queue", but writer Writer is invoked (source "invoke")`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deployment(t)
			a, b := awsConfigFor(t, "a", local.cfg.TableRegion), awsConfigFor(t, "b", local.cfg.Writers[0].Region)
			if err := tt.drift(context.Background(), a, b); err != nil {
				t.Fatalf("inject the drift: %v", err)
			}
			code, out := verifyRun(t, "-profile-a", "a", "-profile-b", "b")
			if code != exitcode.Different {
				t.Errorf("exit code %d, want %d (a difference)", code, exitcode.Different)
			}
			wantLines(t, out, tt.want...)
			summary := out[strings.LastIndex(out, "== Summary"):]
			for _, w := range tt.want {
				if strings.HasPrefix(w, "FAIL") && !strings.Contains(summary, w) {
					t.Errorf("the summary does not repeat %q", w)
				}
			}
		})
	}
}
