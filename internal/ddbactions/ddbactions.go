// Package ddbactions lists the DynamoDB item actions a writer may be
// granted. Every action IAM defines is in internal/iamactions; these are the
// data-plane ones among them.
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
