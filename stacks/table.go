package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// Grant is what one writer may do on the table: rendered once into the
// table's resource policy here and once into the writer's identity policy in
// its own stack.
type Grant struct {
	// Sid names the resource-policy statement; letters and digits only.
	Sid string
	// Account is the writer's account ID.
	Account string
	// RoleArn is the writer role's exact ARN.
	RoleArn string
	// Actions are the DynamoDB item actions granted.
	Actions []string
}

// TableStackProps configures a TableStack.
type TableStackProps struct {
	awscdk.StackProps
	// TableName is the table's physical name (required: writers in other
	// accounts address the table by its ARN).
	TableName string
	// Grants are the writers allowed in; one resource-policy statement each.
	Grants []Grant
}

// TableStack holds the table in account A and its resource policy.
type TableStack struct {
	awscdk.Stack
	// Table is the DynamoDB table.
	Table awsdynamodb.TableV2
}

// NewTableStack defines the table with the key schema of package tablespec,
// which the writer function reads too: on-demand, point-in-time recovery,
// deletion protection, retained when the stack is deleted, and a resource
// policy that lets exactly the granted roles in.
func NewTableStack(scope constructs.Construct, id string, props *TableStackProps) *TableStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)

	policy := awsiam.NewPolicyDocument(nil)
	for _, g := range props.Grants {
		policy.AddStatements(grantStatement(g))
	}

	table := awsdynamodb.NewTableV2(stack, jsii.String("Table"), &awsdynamodb.TablePropsV2{
		TableName:    jsii.String(props.TableName),
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String(tablespec.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:      &awsdynamodb.Attribute{Name: jsii.String(tablespec.SortKey), Type: awsdynamodb.AttributeType_STRING},
		Billing:      awsdynamodb.Billing_OnDemand(nil),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
		ResourcePolicy:     policy,
	})

	awscdk.NewCfnOutput(stack, jsii.String("TableArn"), &awscdk.CfnOutputProps{
		Value:       table.TableArn(),
		Description: jsii.String("ARN of the table; writers use it as TableName"),
	})
	return &TableStack{Stack: stack, Table: table}
}

// grantStatement lets one role in. The principal is the role's account root,
// narrowed by an ArnEquals condition on aws:PrincipalArn, rather than the role
// ARN itself: IAM would pin a role principal to the role's unique ID, so a
// re-created role would silently lose access, and DynamoDB rejects a role
// principal that does not exist yet, which would force WriterStack to be
// deployed first. The condition value is a literal ARN: DynamoDB's block
// public access rejects wildcards there. The resource is "*" because the
// policy belongs to the table (it means this table and its indexes), and
// naming the table's own ARN would be a circular reference.
func grantStatement(g Grant) awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(g.Sid),
		Effect:     awsiam.Effect_ALLOW,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAccountPrincipal(jsii.String(g.Account))},
		Actions:    jsii.Strings(g.Actions...),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{
			"ArnEquals": map[string]interface{}{"aws:PrincipalArn": g.RoleArn},
		},
	})
}
