package main

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
	"github.com/cross-account-dynamodb/cdk/internal/verify"
)

// probeItems counts the probe items left in the local table.
func probeItems(t *testing.T) int32 {
	t.Helper()
	db := dynamodb.NewFromConfig(awsConfigFor(t, "a", local.cfg.TableRegion))
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{
		TableName:                 aws.String(local.cfg.TableArn()),
		FilterExpression:          aws.String("category = :c"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": &ddbtypes.AttributeValueMemberS{Value: verify.ProbeCategory}},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Count
}

// writerFunction is the name of the seeded writer function.
func writerFunction(t *testing.T) string {
	t.Helper()
	out, err := lambda.NewFromConfig(awsConfigFor(t, "b", local.cfg.Writers[0].Region)).ListFunctions(context.Background(), &lambda.ListFunctionsInput{})
	if err != nil || len(out.Functions) != 1 {
		t.Fatalf("list functions: %v, want one function", err)
	}
	return aws.ToString(out.Functions[0].FunctionName)
}

func TestCleanDeploymentPassesWithWrite(t *testing.T) {
	deployment(t)
	fn := writerFunction(t)
	code, out := verifyRun(t, "-profile-a", "a", "-profile-b", "b", "-write")
	if code != exitcode.OK {
		t.Errorf("exit code %d, want 0 on a clean deployment", code)
	}
	wantLines(t, out,
		`OK     the table's account (TableStack) 111111111111 is profile "a"`,
		`OK     the account of WriterStack 222222222222 is profile "b"`,
		"OK     deletion protection is on",
		"OK     point-in-time recovery is on",
		"OK     the live resource policy equals the synthesized one",
		"OK     the trust policy of cross-account-items-writer equals the synthesized one",
		"OK     function "+fn+": TABLE_ARN is arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
		"OK     function "+fn+": architecture is arm64",
		"OK     the live policies allow exactly the 1 declared",
		"dynamodb:PutItem                              ALLOW",
		"OK     writer Writer: invoke "+fn+" wrote category=verify-probe",
		"OK     writer Writer: read the probe item back",
		"OK     writer Writer: deleted the probe item",
		"0 differences, 0 could not be checked",
	)
	if n := probeItems(t); n != 0 {
		t.Errorf("%d probe items left in the table, want 0", n)
	}
}

// TestOperatorErrors checks the errors an operator can act on: each exits
// 2 (could not check) and says what to do.
func TestOperatorErrors(t *testing.T) {
	deployment(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(t *testing.T, a, b aws.Config) error
		args  []string
		want  []string
	}{{
		name: "wrong profile for the table account",
		args: []string{"-profile-a", "b", "-profile-b", "b"},
		want: []string{`ERROR  wrong profile: profile "b" signs in to account 222222222222 (arn:aws:sts::222222222222:user/moto), but the table's account (TableStack) is 111111111111; pass the profile of account 111111111111 with -profile-a`},
	}, {
		name: "wrong profile for the writer account",
		args: []string{"-profile-a", "a", "-profile", "222222222222=a"},
		want: []string{`ERROR  wrong profile: profile "a" signs in to account 111111111111 (arn:aws:sts::111111111111:user/moto), but the account of WriterStack is 222222222222; pass the profile of account 222222222222 with -profile 222222222222=PROFILE`},
	}, {
		name: "a profile that does not exist",
		args: []string{"-profile-a", "nope", "-profile-b", "b"},
		want: []string{`ERROR  the table's account (TableStack): load the AWS configuration of profile "nope"`},
	}, {
		name: "WriterStack not deployed",
		setup: func(t *testing.T, a, b aws.Config) error {
			_, err := lambda.NewFromConfig(b).DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(writerFunction(t))})
			return err
		},
		args: []string{"-profile-a", "a", "-profile-b", "b", "-write"},
		want: []string{
			"ERROR  no function in account 222222222222 (profile \"b\"), region us-east-1 runs as role arn:aws:iam::222222222222:role/cross-account-items-writer: WriterStack is not deployed there; run: npx cdk deploy WriterStack -e --profile b",
			"ERROR  writer Writer: no probe, its function was not found",
		},
	}, {
		name: "a permissions boundary on the writer role",
		setup: func(t *testing.T, a, b aws.Config) error {
			_, err := iam.NewFromConfig(b).PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{
				RoleName:            aws.String(local.cfg.Writers[0].RoleName),
				PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/PowerUserAccess"),
			})
			return err
		},
		args: []string{"-profile-a", "a", "-profile-b", "b"},
		want: []string{"ERROR  role arn:aws:iam::222222222222:role/cross-account-items-writer has the permissions boundary arn:aws:iam::aws:policy/PowerUserAccess, which the access check does not evaluate"},
	}, {
		name: "TableStack not deployed",
		setup: func(t *testing.T, a, b aws.Config) error {
			db := dynamodb.NewFromConfig(a)
			arn := aws.String(local.cfg.TableArn())
			if _, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: arn, DeletionProtectionEnabled: aws.Bool(false)}); err != nil {
				return err
			}
			_, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: arn})
			return err
		},
		args: []string{"-profile-a", "a", "-profile-b", "b", "-c", "tableRegion=us-east-1"},
		want: []string{"ERROR  table " + local.cfg.TableArn() + ` not found in account 111111111111 (profile "a"), region us-east-1: TableStack is not deployed there; run: npx cdk deploy TableStack -e -c tableRegion=us-east-1 --profile a`},
	}, {
		name: "cdk.out synthesized with other values",
		args: []string{"-profile-a", "a", "-profile-b", "b", "-c", "tableName=orders"},
		want: []string{"ERROR  " + local.assembly + " defines no table arn:aws:dynamodb:us-east-1:111111111111:table/orders: synthesize it with the same configuration: npx cdk synth --quiet -c tableName=orders -o " + local.assembly},
	}, {
		name: "cdk.out synthesized for another writer role",
		args: []string{"-profile-a", "a", "-profile-b", "b", "-c", `writers=[{"name":"Writer","account":"222222222222","roleName":"other-writer"}]`},
		want: []string{"ERROR  the table policy in " + local.assembly + " is not the one the configuration renders: it was synthesized with other values; synthesize it again: npx cdk synth --quiet -c 'writers=[{\"name\":\"Writer\",\"account\":\"222222222222\",\"roleName\":\"other-writer\"}]' -o " + local.assembly},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deployment(t)
			if tt.setup != nil {
				if err := tt.setup(t, awsConfigFor(t, "a", local.cfg.TableRegion), awsConfigFor(t, "b", local.cfg.Writers[0].Region)); err != nil {
					t.Fatalf("set up: %v", err)
				}
			}
			code, out := verifyRun(t, tt.args...)
			if code != exitcode.CannotCheck {
				t.Errorf("exit code %d, want %d (could not check)", code, exitcode.CannotCheck)
			}
			wantLines(t, out, tt.want...)
		})
	}
}

// TestNoCDKInImportGraph keeps the command free of jsii: importing the CDK
// would start Node on every run.
func TestNoCDKInImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "aws-cdk-go") || strings.Contains(pkg, "jsii-runtime-go") {
			t.Errorf("cmd/verify depends on %s", pkg)
		}
	}
}

// A denied read names the account, its profile, the region and the missing
// permission, and exits 2; a denied probe delete says what remains.
func TestAccessDenied(t *testing.T) {
	deployment(t)
	deny("GetResourcePolicy")
	code, out := verifyRun(t, "-profile-a", "a-guarded", "-profile-b", "b")
	if code != exitcode.CannotCheck {
		t.Errorf("exit code %d, want %d", code, exitcode.CannotCheck)
	}
	wantLines(t, out, `ERROR  access denied: account 111111111111 (profile "a-guarded"), region us-east-1 may not dynamodb:GetResourcePolicy on `+local.cfg.TableArn()+"; grant dynamodb:GetResourcePolicy to that identity")

	deployment(t)
	deny("DeleteItem")
	code, out = verifyRun(t, "-profile-a", "a-guarded", "-profile-b", "b", "-write")
	if code != exitcode.OK {
		t.Errorf("exit code %d, want 0: the deployment is right, only the clean-up was refused", code)
	}
	wantLines(t, out,
		"NOTE   the probe item category=verify-probe item=",
		`the delete failed (account 111111111111 (profile "a-guarded"), region us-east-1 may not dynamodb:DeleteItem); delete it with:`,
		"aws dynamodb delete-item --profile a-guarded --region us-east-1 --table-name "+local.cfg.TableArn()+` --key '{"category":{"S":"verify-probe"},"item":{"S":"`,
	)
	if n := probeItems(t); n != 1 {
		t.Errorf("%d probe items in the table, want the 1 whose delete was refused", n)
	}
}

// TestMakeVerify runs `make verify` as the README tells an operator to,
// against the local services: a clean deployment passes, the probe item is
// deleted, and a drift fails it.
func TestMakeVerify(t *testing.T) {
	deployment(t)
	lambdalocal.RequireTools(t, "make")
	makeVerify := func() (int, string) {
		cmd := exec.Command("make", "--no-print-directory", "verify", "PROFILE_A=a", "PROFILE_B=b", "VERIFY_FLAGS=-write", "CDK_OUT="+local.assembly)
		cmd.Dir = "../.."
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("make verify: %v", err)
		}
		return cmd.ProcessState.ExitCode(), string(out)
	}
	code, out := makeVerify()
	if code != 0 {
		t.Errorf("make verify exited %d on a clean deployment, want 0", code)
	}
	wantLines(t, out, "OK     writer Writer: deleted the probe item", "OK: the deployment matches the configuration and the synthesized templates.")
	if n := probeItems(t); n != 0 {
		t.Errorf("%d probe items left in the table, want 0", n)
	}

	a := awsConfigFor(t, "a", local.cfg.TableRegion)
	if err := disablePITR(context.Background(), a, a); err != nil {
		t.Fatal(err)
	}
	code, out = makeVerify()
	if code == 0 {
		t.Errorf("make verify exited 0 with PITR off, want non-zero")
	}
	wantLines(t, out, "FAIL   point-in-time recovery is disabled")
}
