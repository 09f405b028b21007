package config

import (
	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

// TableArn is the table's full ARN. The writer passes it as TableName: with a
// bare name, DynamoDB would look for the table in the writer's own account.
func (c Config) TableArn() string {
	return arns.Table(c.TablePartition, c.TableRegion, c.TableAccount, c.TableName)
}

// RoleArn is the ARN of w's role. IAM is global: the ARN has no region, but
// its partition is that of the writer's region.
func (w Writer) RoleArn() string {
	return arns.Role(w.Partition, w.Account, w.RoleName)
}

// QueueArn is the ARN of a queue writer's queue, in the writer's account
// and region.
func (w Writer) QueueArn() string {
	return arns.Queue(w.Partition, w.Region, w.Account, w.QueueName())
}

// Grant is what one writer may do on the table, decided once here and
// rendered twice: into the table's resource policy and into the writer
// role's identity policy.
type Grant struct {
	// Sid names the table policy's statement: the writer's name.
	Sid string
	// Account is the writer's account ID.
	Account string
	// Partition is the partition of the writer's account and role.
	Partition string
	// RoleArn is the writer role's exact ARN.
	RoleArn string
	// Actions are the DynamoDB item actions granted.
	Actions []string
	// TableArn is the table's full ARN.
	TableArn string
	// OrgID, when set, is the organization the writer's account must be in.
	OrgID string
	// Source is the writer's source: SourceInvoke, or SourceQueue when the
	// function drains QueueArn, an event source the configuration declares.
	Source string
	// QueueArn is the ARN of a queue writer's queue, whose senders write
	// through the function; "" for an invoke writer.
	QueueArn string
	// KeyActions are the KMS actions the writer may perform on the table's
	// customer-managed key, through DynamoDB only; nil for the AWS owned
	// key.
	KeyActions []string
}

// Grants maps each writer to its grant on the table, in the writers' order.
func (c Config) Grants() []Grant {
	out := make([]Grant, len(c.Writers))
	for i, w := range c.Writers {
		out[i] = Grant{Sid: w.Name, Account: w.Account, Partition: w.Partition, RoleArn: w.RoleArn(), Actions: w.Actions, Source: w.Source, TableArn: c.TableArn(), OrgID: c.OrganizationID}
		if w.Source == SourceQueue {
			out[i].QueueArn = w.QueueArn()
		}
		if c.CustomerManagedKey() {
			out[i].KeyActions = WriterKeyActions
		}
	}
	return out
}
