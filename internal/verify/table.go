package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// checkTable reads the live table in the table's account: its key schema
// and the settings that protect its data, and its resource policy, which
// it compares with the synthesized and the declared one. It returns the
// table for the access check, and false when the table could not be read.
func (v *verifier) checkTable(ctx context.Context, synth *synthesized) (*access.Table, bool) {
	acct, region, arn := v.cfg.TableAccount, v.cfg.TableRegion, v.cfg.TableArn()
	c, err := v.awsConfig(ctx, acct, region)
	if err != nil {
		v.cannot("%v", err)
		return nil, false
	}
	db := dynamodb.NewFromConfig(c)
	out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(arn)})
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		v.cannot("table %s not found in %s: TableStack is not deployed there; run: %s", arn, v.where(acct, region), v.deployHint(config.TableStackName, acct))
		return nil, false
	case err != nil:
		v.readFailed(acct, region, "dynamodb:DescribeTable", arn, err)
		return nil, false
	}
	v.ok("table %s exists (%s)", arn, out.Table.TableStatus)
	v.checkKeySchema(out.Table)
	if aws.ToBool(out.Table.DeletionProtectionEnabled) {
		v.ok("deletion protection is on")
	} else {
		v.fail("deletion protection is off on %s: TableStack turns it on; a DeleteTable call would now delete the table and its items (a redeploy without a template change does not undo it; turn it back on: aws dynamodb update-table %s --table-name %s --deletion-protection-enabled)", arn, v.cliArgs(v.cfg.TableAccount, v.cfg.TableRegion), arn)
	}
	v.checkEncryption(out.Table)
	v.checkPITR(ctx, db, arn)
	return v.checkTablePolicy(ctx, db, synth)
}

func (v *verifier) checkKeySchema(t *types.TableDescription) {
	attrTypes := map[string]types.ScalarAttributeType{}
	for _, d := range t.AttributeDefinitions {
		attrTypes[aws.ToString(d.AttributeName)] = d.AttributeType
	}
	var got []string
	for _, k := range t.KeySchema {
		name := aws.ToString(k.AttributeName)
		got = append(got, fmt.Sprintf("%s %s (%s)", k.KeyType, name, attrTypes[name]))
	}
	want := []string{
		fmt.Sprintf("HASH %s (S)", tablespec.PartitionKey),
		fmt.Sprintf("RANGE %s (S)", tablespec.SortKey),
	}
	if strings.Join(got, ", ") == strings.Join(want, ", ") {
		v.ok("key schema is %s", strings.Join(want, ", "))
		return
	}
	v.fail("key schema is %s, want %s: the writer writes items with those keys", strings.Join(got, ", "), strings.Join(want, ", "))
}

// checkEncryption compares the table's encryption with TableStack's: the
// AWS owned key, for which DynamoDB reports no SSE description, or, with
// tableEncryption customer-managed, KMS with a key of the table's account.
func (v *verifier) checkEncryption(t *types.TableDescription) {
	sse := t.SSEDescription
	owned := sse == nil || sse.Status == types.SSEStatusDisabled || sse.Status == types.SSEStatusDisabling
	if !v.cfg.CustomerManagedKey() {
		if owned {
			v.ok("encryption at rest: AWS owned key, as TableStack sets it")
			return
		}
		v.fail("encryption at rest: %s with KMS key %s (%s); TableStack uses the AWS owned key, and an AWS managed key cannot be shared with the writers' accounts",
			sse.SSEType, aws.ToString(sse.KMSMasterKeyArn), sse.Status)
		return
	}
	keyPrefix := strings.TrimSuffix(arns.Key(v.cfg.TablePartition, v.cfg.TableRegion, v.cfg.TableAccount, "*"), "*")
	if owned || sse.Status != types.SSEStatusEnabled || !strings.HasPrefix(aws.ToString(sse.KMSMasterKeyArn), keyPrefix) {
		got := "the AWS owned key"
		if !owned {
			got = fmt.Sprintf("%s with KMS key %s (%s)", sse.SSEType, aws.ToString(sse.KMSMasterKeyArn), sse.Status)
		}
		v.fail("encryption at rest: %s; tableEncryption is customer-managed, so TableStack encrypts with its own key (%s...)", got, keyPrefix)
		return
	}
	v.ok("encryption at rest: customer-managed key %s, as TableStack sets it", aws.ToString(sse.KMSMasterKeyArn))
	v.note("the key policy of %s is not read: verify evaluates the live table and identity policies; make access checks the synthesized key policy", aws.ToString(sse.KMSMasterKeyArn))
}

func (v *verifier) checkPITR(ctx context.Context, db *dynamodb.Client, arn string) {
	out, err := db.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(arn)})
	if err != nil {
		v.readFailed(v.cfg.TableAccount, v.cfg.TableRegion, "dynamodb:DescribeContinuousBackups", arn, err)
		return
	}
	status := types.PointInTimeRecoveryStatusDisabled
	if d := out.ContinuousBackupsDescription; d != nil && d.PointInTimeRecoveryDescription != nil {
		status = d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus
	}
	if status == types.PointInTimeRecoveryStatusEnabled {
		v.ok("point-in-time recovery is on")
		return
	}
	v.fail("point-in-time recovery is %s on %s: TableStack turns it on; without it no restore to before a bad write is possible (a redeploy without a template change does not undo it; turn it back on: aws dynamodb update-continuous-backups %s --table-name %s --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true)",
		strings.ToLower(string(status)), arn, v.cliArgs(v.cfg.TableAccount, v.cfg.TableRegion), arn)
}

// checkTablePolicy reads the live resource policy and compares it, as
// normalized JSON, with the synthesized one and with the one the
// configuration renders. CloudFormation's drift detection does not cover it.
func (v *verifier) checkTablePolicy(ctx context.Context, db *dynamodb.Client, synth *synthesized) (*access.Table, bool) {
	acct, region, arn := v.cfg.TableAccount, v.cfg.TableRegion, v.cfg.TableArn()
	table := &access.Table{Arn: arn, Account: acct, Region: region, Stack: "live " + config.TableStackName, Logical: "table/" + v.cfg.TableName}
	out, err := db.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	var none *types.PolicyNotFoundException
	switch {
	case errors.As(err, &none):
		v.fail("table %s has no resource policy: no writer can reach it; redeploy TableStack (%s)", arn, v.deployHint(config.TableStackName, acct))
		table.Document = map[string]any{"Version": "2012-10-17", "Statement": []any{}}
		return table, true
	case err != nil:
		v.readFailed(acct, region, "dynamodb:GetResourcePolicy", arn, err)
		return nil, false
	}
	var doc any
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		v.cannot("the resource policy of %s is not JSON: %v", arn, err)
		return nil, false
	}
	table.Document = doc
	table.Policy, err = access.ParsePolicy(doc, access.ResourcePolicy, access.Location{Stack: "live " + config.TableStackName, Resource: "table/" + v.cfg.TableName, Policy: "resource policy"})
	if err != nil {
		v.cannot("cannot evaluate the live resource policy of %s: %v", arn, err)
		return nil, false
	}
	v.comparePolicy("the live resource policy", "the synthesized one in "+v.opts.Assembly, doc, synth.tablePolicy,
		"a change made outside CloudFormation, which its drift detection does not see; redeploying TableStack does not undo it unless the template's policy changes")
	v.comparePolicy("the live resource policy", "the one the configuration renders", doc, config.TablePolicy(v.cfg.Grants()),
		"deploy TableStack with this configuration: "+v.deployHint(config.TableStackName, acct))
	return table, true
}

// comparePolicy reports whether two policy documents hold the same
// statements, listing each statement found in only one.
func (v *verifier) comparePolicy(what, with string, got, want any, hint string) {
	diff := access.PolicyDiff(got, want)
	if len(diff) == 0 {
		v.ok("%s equals %s", what, with)
		return
	}
	v.fail("%s differs from %s (%s):\n%s", what, with, hint, joinLines(diff))
}
