package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
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
	// Encryption, when set, is a customer-managed KMS key the stack creates
	// to encrypt the table. Default: nil, the AWS owned key.
	Encryption *CustomerManagedKey
	// AlarmEmail, when set, is subscribed to the stack's alarms. Default:
	// the alarms have no action.
	AlarmEmail string
}

// CustomerManagedKey is a KMS key that TableStack creates for the table:
// rotated, retained when the stack is deleted.
type CustomerManagedKey struct {
	// Alias is the key's alias (config.KeyAlias).
	Alias string
	// Policy is the key policy (config.KeyPolicy): who may administer the
	// key, and which writers may use it through DynamoDB.
	Policy map[string]any
}

// TableStack holds the table in account A and its resource policy.
type TableStack struct {
	awscdk.Stack
	// Table is the DynamoDB table.
	Table awsdynamodb.TableV2
	// Key is the table's customer-managed key; nil with the AWS owned key.
	Key awskms.Key
}

// NewTableStack defines the table with the key schema of package tablespec,
// which the writer function reads too: on-demand, point-in-time recovery,
// deletion protection, retained when the stack is deleted, and a resource
// policy that lets exactly the granted roles in.
func NewTableStack(scope constructs.Construct, id string, props *TableStackProps) *TableStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)

	// The policy is rendered by the configuration, which also checks it
	// against DynamoDB's size limit and block public access before any
	// construct exists.
	policy := awsiam.PolicyDocument_FromJson(config.TablePolicy(props.Grants))

	var key awskms.Key
	var encryption awsdynamodb.TableEncryptionV2
	if props.Encryption != nil {
		key = awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{
			Description:       jsii.String("Encrypts the DynamoDB table " + props.TableName + "; its writers may use it only through DynamoDB"),
			EnableKeyRotation: jsii.Bool(true),
			RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
			Alias:             jsii.String(props.Encryption.Alias),
			Policy:            awsiam.PolicyDocument_FromJson(props.Encryption.Policy),
		})
		encryption = awsdynamodb.TableEncryptionV2_CustomerManagedKey(key, nil)
	}

	table := awsdynamodb.NewTableV2(stack, jsii.String("Table"), &awsdynamodb.TablePropsV2{
		Encryption:   encryption,
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
	if key != nil {
		awscdk.NewCfnOutput(stack, jsii.String("KeyArn"), &awscdk.CfnOutputProps{
			Value:       key.KeyArn(),
			Description: jsii.String("ARN of the table's customer-managed key"),
		})
	}
	tableAlarms(stack, table, props.AlarmEmail)
	return &TableStack{Stack: stack, Table: table, Key: key}
}

// tableAlarms watches the table: any throttled read or write, and any
// request DynamoDB refused as the caller's error (HTTP 400) in the table's
// account and region, which CloudWatch counts per region, not per table.
func tableAlarms(stack awscdk.Stack, table awsdynamodb.TableV2, email string) {
	topic := alarmTopic(stack, email)
	dims := &map[string]*string{"TableName": table.TableName()}
	throttled := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("reads + writes"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"reads":  awscloudwatch.NewMetric(&awscloudwatch.MetricProps{Namespace: jsii.String("AWS/DynamoDB"), MetricName: jsii.String("ReadThrottleEvents"), DimensionsMap: dims, Statistic: jsii.String("Sum")}),
			"writes": awscloudwatch.NewMetric(&awscloudwatch.MetricProps{Namespace: jsii.String("AWS/DynamoDB"), MetricName: jsii.String("WriteThrottleEvents"), DimensionsMap: dims, Statistic: jsii.String("Sum")}),
		},
		Label:  jsii.String("throttled reads and writes"),
		Period: fiveMinutes(),
	})
	alarmOnAny(stack, "ThrottledRequestsAlarm", throttled,
		"The table throttled reads or writes: on-demand capacity is ramping up or a partition is hot; writers retry, but check their errors.", topic)
	userErrors := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace: jsii.String("AWS/DynamoDB"), MetricName: jsii.String("UserErrors"),
		Statistic: jsii.String("Sum"), Period: fiveMinutes(),
	})
	alarmOnAny(stack, "UserErrorsAlarm", userErrors,
		"DynamoDB refused requests as the caller's error (HTTP 400: access denied, validation) in this account and region; CloudWatch does not split this by table.", topic)
}
