package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// Key is a customer-managed KMS key of the templates with its key policy.
type Key struct {
	Arn, Account, Region string
	Stack, Logical       string
	// Policy is the key policy.
	Policy []Statement
	// Document is the key policy document, with its intrinsics resolved.
	Document any
}

// Each KMS request is evaluated twice: made through DynamoDB in the key's
// region (kms:ViaService set, as when DynamoDB decrypts a table key for a
// caller), and made directly.
const (
	viaDynamoDB = iota
	direct
	routes
)

// routeName says how a KMS request was made, for messages and headings.
func routeName(route int, via string) string {
	if route == viaDynamoDB {
		return "through " + via
	}
	return "directly"
}

// addKey reads an AWS::KMS::Key and its key policy.
func (c *collector) addKey(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	if t.Account == "" || t.Region == "" || t.Partition == "" {
		c.fail("%s: key's account or region unknown (no environment in the cloud assembly manifest)", where)
		return
	}
	prop, ok := r.Properties["KeyPolicy"]
	if !ok {
		// Without a policy KMS gives the key the default one, which
		// delegates to the account's identity policies.
		c.fail("%s KeyPolicy: missing; the check needs the key policy written out", where)
		return
	}
	resolved, err := t.resolve(prop, where+" KeyPolicy")
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	stmts, err := ParsePolicy(resolved, ResourcePolicy, Location{Stack: t.Stack, Resource: logical, Policy: "KeyPolicy"})
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	c.keys = append(c.keys, &Key{Arn: t.keyArn(logical), Account: t.Account, Region: t.Region, Stack: t.Stack, Logical: logical, Policy: stmts, Document: resolved})
}

// keyArn is the ARN of a key of the template: its ID exists only once
// deployed, so the ARN holds an opaque ID.
func (t *Template) keyArn(logical string) string {
	return arns.Key(t.Partition, t.Region, t.Account, t.opaque(logical, "KeyId"))
}

// tableKey finds the customer-managed key a table's SSE specification
// names. kmsKeyID is the resolved KMSMasterKeyId ("" when none is named).
// A table encrypted with a key the templates do not define, or with the AWS
// managed key, cannot be checked.
func (c *collector) tableKey(where string, sseKMS bool, kmsKeyID string) *Key {
	if !sseKMS {
		return nil
	}
	if kmsKeyID == "" || strings.Contains(kmsKeyID, "alias/aws/dynamodb") {
		c.fail("%s: encrypted with the AWS managed key alias/aws/dynamodb, whose key policy trusts only the table's own account: no writer in another account can use the table", where)
		return nil
	}
	for _, k := range c.keys {
		if k.Arn == kmsKeyID || strings.HasSuffix(k.Arn, "/"+kmsKeyID) {
			return k
		}
	}
	c.fail("%s: encrypted with key %s, which no template defines, so its key policy cannot be checked", where, kmsKeyID)
	return nil
}

// sseSpec reads an SSESpecification: whether it asks for KMS encryption and
// the key it names.
func (t *Template) sseSpec(spec any, where string) (sseKMS bool, keyID string, err error) {
	m, ok := spec.(map[string]any)
	if !ok {
		return false, "", nil
	}
	resolved, err := t.resolve(m, where)
	if err != nil {
		return false, "", err
	}
	rm := resolved.(map[string]any)
	if id, ok := rm["KMSMasterKeyId"].(string); ok {
		keyID = id
	}
	return rm["SSEEnabled"] == true || rm["SSEType"] == "KMS" || keyID != "", keyID, nil
}

// checkKeys evaluates every subject's KMS requests on every key, and
// compares them with the declared key actions: each writer may use the key
// of its table through DynamoDB in the key's region, for its grant's
// grant's KeyActions, and no one else may use any key at all.
func (x *Matrix) checkKeys(m *Model, expected []config.Grant) {
	x.Keys = m.Keys
	for _, key := range m.Keys {
		declared := map[string]bool{} // writer ARN + "\x00" + action
		for _, g := range expected {
			if !slices.ContainsFunc(m.Tables, func(t *Table) bool { return t.Arn == g.TableArn && t.Key == key }) {
				continue
			}
			for _, a := range g.KeyActions {
				declared[g.RoleArn+"\x00"+a] = true
			}
		}
		via := config.DynamoDBEndpoint(arns.Partition(key.Arn), key.Region)
		cells := make([][][routes]Decision, len(x.Subjects))
		want := make([][][routes]bool, len(x.Subjects))
		for si, s := range x.Subjects {
			cells[si] = make([][routes]Decision, len(x.KeyActions))
			want[si] = make([][routes]bool, len(x.KeyActions))
			for ai, a := range x.KeyActions {
				for route := range routes {
					req := Request{Principal: s.Principal, Action: a, Resource: key.Arn, ResourceAccount: key.Account}
					if route == viaDynamoDB {
						req.ViaService = via
					}
					d := Evaluate(req, s.Identity, key.Policy)
					ok := !s.Probe && route == viaDynamoDB && declared[s.Arn+"\x00"+a]
					cells[si][ai][route], want[si][ai][route] = d, ok
					if d.Allowed != ok {
						x.Differences = append(x.Differences, Difference{Extra: d.Allowed, Principal: s.Arn,
							Action: a + " " + routeName(route, via), Table: key.Arn, Decision: d, Label: s.probeLabel()})
					}
				}
			}
		}
		x.KeyCells = append(x.KeyCells, cells)
		x.KeyExpected = append(x.KeyExpected, want)
	}
}

// printKeys writes one block per key: KMS actions down, each made through
// DynamoDB and directly, principals across.
func (p *printer) printKeys(x *Matrix) {
	for ki, key := range x.Keys {
		via := config.DynamoDBEndpoint(arns.Partition(key.Arn), key.Region)
		p.printf("Key %s (%s/%s)\n", key.Arn, key.Stack, key.Logical)
		const width = 9
		p.printf("  %-42s", "action")
		for si := range x.Subjects {
			p.printf("%*s", width, fmt.Sprintf("[%d]", si+1))
		}
		p.printf("\n")
		for ai, a := range x.KeyActions {
			for route := range routes {
				label := a + " direct"
				if route == viaDynamoDB {
					label = a + " via DynamoDB"
				}
				p.printf("  %-42s", label)
				for si := range x.Subjects {
					p.printf("%*s", width, cellCode(x.KeyCells[ki][si][ai][route], x.KeyExpected[ki][si][ai][route]))
				}
				p.printf("\n")
			}
		}
		p.printf("  (via DynamoDB: kms:ViaService %s)\n", via)
		for si := range x.Subjects {
			for ai, a := range x.KeyActions {
				for route := range routes {
					if d := x.KeyCells[ki][si][ai][route]; d.Allowed {
						p.printf("  [%d] %s %s allowed by %s\n", si+1, a, routeName(route, via), d.allowedBy())
					}
				}
			}
		}
		p.printf("\n")
	}
}
