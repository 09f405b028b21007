package config

import (
	"fmt"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// WriterKeyActions are the KMS actions a writer needs on the table's
// customer-managed key, whatever its DynamoDB actions: kms:Decrypt only.
//
// Why (AWS KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS", and the
// DynamoDB Developer Guide, "Encryption at rest: how it works"): DynamoDB
// encrypts each table under a table key, which it generates
// (kms:GenerateDataKey), checks (kms:DescribeKey) and authorizes with a
// grant (kms:CreateGrant) when the table is created or its key changes;
// those calls are made by the principal that creates or updates the table,
// here CloudFormation in the table account. When any principal then reads
// or writes items, DynamoDB decrypts the table key with that principal's
// permissions (kms:Decrypt) and caches it for that principal for a few
// minutes; it does not call Encrypt or GenerateDataKey per item. CDK's
// table grant for writers adds Encrypt, ReEncrypt*, GenerateDataKey* and
// DescribeKey as well: more than item access needs.
var WriterKeyActions = []string{"kms:Decrypt"}

// DynamoDBEndpoint is the value of kms:ViaService for DynamoDB in region of
// partition: the key is usable only through DynamoDB there. The partition
// must be one of Regions' (TestEveryPartitionHasADNSSuffix).
func DynamoDBEndpoint(partition, region string) string {
	suffix, ok := DNSSuffixes[partition]
	if !ok {
		panic("config: no DNS suffix known for partition " + partition)
	}
	return fmt.Sprintf("dynamodb.%s.%s", region, suffix)
}

// KeyAlias is the alias of the table's customer-managed key: the table's
// name, with characters aliases do not allow replaced by "-".
func (c Config) KeyAlias() string {
	name := strings.Map(func(r rune) rune {
		if r == '.' {
			return '-'
		}
		return r
	}, c.TableName)
	return "alias/" + name + "-table"
}

// KeyPolicy is the key policy of the table's customer-managed key: the table
// account administers the key through its own IAM policies (as every KMS
// key policy that CDK creates does), and each writer role may decrypt with
// it only through DynamoDB in the table's region, narrowed like the table
// policy (the writer account's root with aws:PrincipalArn, and the
// organization when there is one). The administration statement has no
// organization condition: the key's own account must never be locked out.
func (c Config) KeyPolicy() map[string]any {
	statements := []any{map[string]any{
		"Sid":       "KeyAdministration",
		"Effect":    "Allow",
		"Principal": map[string]any{"AWS": arns.Root(c.TablePartition, c.TableAccount)},
		"Action":    "kms:*",
		"Resource":  "*",
	}}
	via := DynamoDBEndpoint(c.TablePartition, c.TableRegion)
	for _, g := range c.Grants() {
		cond := grantCondition(g)
		equals, _ := cond["StringEquals"].(map[string]any)
		if equals == nil {
			equals = map[string]any{}
		}
		equals["kms:ViaService"] = via
		cond["StringEquals"] = equals
		statements = append(statements, map[string]any{
			"Sid":       g.Sid,
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": arns.Root(g.Partition, g.Account)},
			"Action":    singleOrList(WriterKeyActions),
			"Resource":  "*",
			"Condition": cond,
		})
	}
	return map[string]any{"Version": "2012-10-17", "Statement": statements}
}

// MaxKeyPolicyBytes is KMS's limit on a key policy: 32 KB. A writer's key
// statement is never more than 1.6 times its table statement, so any
// configuration within the table policy's 20 KB is within this limit
// (TestKeyPolicyFitsWhenTablePolicyDoes).
const MaxKeyPolicyBytes = 32 * 1024

// KeyUse is the identity side of a writer's use of the table's key: the
// actions, on the keys of Resource, only through the service ViaService.
type KeyUse struct {
	Actions    []string
	Resource   string
	ViaService string
}

// WriterKeyUse is what every writer's role may do with the table's key. The
// key's ID is not known when the writer's stack is synthesized (the key is
// created with the table's stack, possibly later), so it names every key of
// the table account in the table's region and allows them only through
// DynamoDB there: the key policy in the table account names the writer
// role, and both sides must allow.
func (c Config) WriterKeyUse() KeyUse {
	return KeyUse{
		Actions:    WriterKeyActions,
		Resource:   arns.Key(c.TablePartition, c.TableRegion, c.TableAccount, "*"),
		ViaService: DynamoDBEndpoint(c.TablePartition, c.TableRegion),
	}
}

// Statement renders k as the role's identity policy statement.
func (k KeyUse) Statement() map[string]any {
	return map[string]any{
		"Sid":       "UseTableKey",
		"Effect":    "Allow",
		"Action":    singleOrList(k.Actions),
		"Resource":  k.Resource,
		"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": k.ViaService}},
	}
}

// singleOrList renders one action as a string, as the CDK does.
func singleOrList(actions []string) any {
	if len(actions) == 1 {
		return actions[0]
	}
	return actions
}
