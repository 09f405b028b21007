// Package ddbactions lists the IAM actions of DynamoDB that act on a table:
// the item actions a writer may be granted, and the table actions it never is.
package ddbactions

// Item are the data-plane item actions.
var Item = []string{
	"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
	"dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
	"dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLSelect",
	"dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete",
}

// CrossAccount are the item actions another account can be granted through
// a table's resource policy: Item without the PartiQL actions, whose APIs
// (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) support
// neither resource-based policies nor cross-account calls. TransactWriteItems
// and TransactGetItems have no action of their own: they need the action of
// each item they touch (PutItem, UpdateItem, DeleteItem, ConditionCheckItem,
// GetItem).
var CrossAccount = []string{
	"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
	"dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
	"dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
}

// Table are actions on the table itself: its settings, policy, backups and
// tags.
var Table = []string{
	"dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:DeleteTable",
	"dynamodb:GetResourcePolicy", "dynamodb:PutResourcePolicy", "dynamodb:DeleteResourcePolicy",
	"dynamodb:CreateBackup", "dynamodb:RestoreTableToPointInTime", "dynamodb:ExportTableToPointInTime",
	"dynamodb:UpdateContinuousBackups", "dynamodb:DescribeContinuousBackups",
	"dynamodb:UpdateTimeToLive", "dynamodb:DescribeTimeToLive",
	"dynamodb:TagResource", "dynamodb:UntagResource", "dynamodb:ListTagsOfResource",
	"dynamodb:EnableKinesisStreamingDestination", "dynamodb:UpdateContributorInsights",
}
