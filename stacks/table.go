package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// TableStackProps configures a TableStack.
type TableStackProps struct {
	awscdk.StackProps
	// TableName is the table's physical name (required: writers in other
	// accounts address the table by its ARN).
	TableName string
	// Grants are the writers allowed in; one resource-policy statement each,
	// as config.TablePolicy renders them.
	Grants []config.Grant
}

// TableStack holds the table in account A and its resource policy.
type TableStack struct {
	awscdk.Stack
	// Table is the DynamoDB table.
	Table awsdynamodb.TableV2
}

// NewTableStack defines the table: on-demand, point-in-time recovery,
// deletion protection, retained when the stack is deleted, and a resource
// policy that lets exactly the granted roles in.
func NewTableStack(scope constructs.Construct, id string, props *TableStackProps) *TableStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)

	// The policy is rendered by the configuration, which also checks it
	// against DynamoDB's size limit and block public access before any
	// construct exists.
	policy := awsiam.PolicyDocument_FromJson(config.TablePolicy(props.Grants))

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
