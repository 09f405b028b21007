package stacks

import (
	"fmt"
	"maps"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/gofunction"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// WriterStackProps configures a WriterStack.
type WriterStackProps struct {
	awscdk.StackProps
	// RoleName is the role's physical name; the table's resource policy names
	// the role by its ARN, so the name must be fixed.
	RoleName string
	// TableArn is the full ARN of the table in the other account.
	TableArn string
	// Actions are the DynamoDB item actions granted on the table.
	Actions []string
	// KeyUse, when set, lets the role use the table's customer-managed key
	// (config.WriterKeyUse). Default: nil, for a table encrypted with the
	// AWS owned key.
	KeyUse *config.KeyUse
	// Queue, when set, puts a queue in front of the function
	// (config.SourceQueue); it needs dynamodb:PutItem in Actions. Default:
	// nil, producers invoke the function.
	Queue *WriterQueue
	// AlarmEmail, when set, is subscribed to the function's alarms.
	// Default: the alarms have no action.
	AlarmEmail string
}

// WriterStack holds, in account B, the role and the function that writes to
// the table in account A.
type WriterStack struct {
	awscdk.Stack
	// Role is the writer's role: the function's execution role, or, for a
	// grant without PutItem, a role for the user's own workload.
	Role awsiam.Role
	// Function is the writer function; nil when the grant has no
	// dynamodb:PutItem, the one call the function makes.
	Function awslambda.Function
	// Queue is the queue that feeds the function; nil unless
	// WriterStackProps.Queue is set.
	Queue awssqs.Queue
}

// functionTimeoutSeconds is the writer function's timeout; a queue's
// visibility timeout is derived from it.
const functionTimeoutSeconds = 10

// NewWriterStack defines the writer's role and, when props.Actions include
// dynamodb:PutItem, the function with its log group and dead-letter queue,
// and with props.Queue the queue that feeds it.
// Without PutItem the function could only fail, so the stack holds the role
// (trusted by Lambda) and its outputs, for the user's own workload.
func NewWriterStack(scope constructs.Construct, id string, props *WriterStackProps) (*WriterStack, error) {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)

	role := awsiam.NewRole(stack, jsii.String("Role"), &awsiam.RoleProps{
		RoleName:    jsii.String(props.RoleName),
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Writes to the DynamoDB table " + props.TableArn),
	})
	// The identity side of the cross-account grant: the same actions as the
	// table's resource policy, on exactly that table. Both sides must allow.
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteTable"),
		Actions:   jsii.Strings(props.Actions...),
		Resources: jsii.Strings(props.TableArn),
	}))
	if props.KeyUse != nil {
		role.AddToPrincipalPolicy(awsiam.PolicyStatement_FromJson(props.KeyUse.Statement()))
		cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-IAM5"),
			Reason: jsii.String("The table's key is created with the table's stack, so its ID is not known here: the statement names " +
				"the keys of the table's account and region, only through DynamoDB there (kms:ViaService), and the key policy names this role."),
			AppliesTo: &[]any{"Resource::" + props.KeyUse.Resource},
		}}, jsii.Bool(true))
	}
	awscdk.NewCfnOutput(stack, jsii.String("RoleArn"), &awscdk.CfnOutputProps{
		Value:       role.RoleArn(),
		Description: jsii.String("ARN of the writer role; the table's resource policy names it"),
	})
	ws := &WriterStack{Stack: stack, Role: role}
	if !writerspec.HasFunction(props.Actions) {
		if props.Queue != nil {
			return nil, fmt.Errorf("%s: a queue needs the function, and the function needs %s in the actions", id, writerspec.PutItem)
		}
		return ws, nil
	}

	fn, deadLetters, err := newWriterFunction(stack, role, props)
	if err != nil {
		return nil, err
	}
	topic := alarmTopic(stack, props.AlarmEmail)
	writerAlarms(stack, deadLetters, fn, props.Queue != nil, topic)
	if props.Queue != nil {
		ws.Queue = newWriterQueue(stack, role, fn, deadLetters, props.Queue, topic)
	}
	awscdk.NewCfnOutput(stack, jsii.String("FunctionName"), &awscdk.CfnOutputProps{
		Value:       fn.FunctionName(),
		Description: jsii.String("Name of the writer function; invoke it to write an item"),
	})
	ws.Function = fn
	return ws, nil
}

// newWriterFunction defines the function that puts items into the table,
// with its log group and dead-letter queue.
func newWriterFunction(stack awscdk.Stack, role awsiam.Role, props *WriterStackProps) (awslambda.Function, awssqs.Queue, error) {
	logGroup := awslogs.NewLogGroup(stack, jsii.String("LogGroup"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_THREE_MONTHS,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	logGroup.GrantWrite(role)

	deadLetters := awssqs.NewQueue(stack, jsii.String("DeadLetterQueue"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		RemovalPolicy:   awscdk.RemovalPolicy_RETAIN,
	})

	env := map[string]*string{writerspec.TableArn: jsii.String(props.TableArn)}
	// Only a queue writer's function links the queue mode (its SQS client),
	// so an invoked writer's pays neither its init nor its size.
	var tags []string
	if props.Queue != nil {
		maps.Copy(env, queueEnvironment(deadLetters))
		tags = []string{writerspec.QueueBuildTag}
	}
	fn, err := gofunction.New(stack, "Writer", &gofunction.Props{
		Entry: writerspec.Entry,
		Tags:  tags,
		FunctionOptions: awslambda.FunctionOptions{
			Description:     jsii.String("Writes items to " + props.TableArn),
			Role:            role,
			Environment:     &env,
			LogGroup:        logGroup,
			LoggingFormat:   awslambda.LoggingFormat_JSON,
			DeadLetterQueue: deadLetters,
			MemorySize:      jsii.Number(128),
			Timeout:         awscdk.Duration_Seconds(jsii.Number(functionTimeoutSeconds)),
		},
	})
	if err != nil {
		return nil, nil, err
	}
	ignoreRedundantDependency(fn.Function)
	return fn.Function, deadLetters, nil
}

// ignoreRedundantDependency tells cfn-lint not to report W3005 on the
// function: its DependsOn names the role, which the GetAtt of the role's ARN
// already orders first, and the role's policy, which must exist before
// Lambda creates the function (Lambda checks that the role may send to the
// dead-letter queue). The CDK renders both; the DependsOn is left as the CDK
// renders it, so a dependency a later aws-cdk-lib adds is kept.
func ignoreRedundantDependency(fn awslambda.Function) {
	fnResource := fn.Node().DefaultChild().(awscdk.CfnResource)
	fnResource.AddMetadata(jsii.String("cfn-lint"), map[string]any{"config": map[string]any{"ignore_checks": []string{"W3005"}}})
}

// writerAlarms watches the dead-letter queue (any message there is an
// asynchronous invocation that failed after Lambda's retries, or, for a
// queue writer, a message that could not be written), the function's
// errors and its throttles.
func writerAlarms(stack awscdk.Stack, deadLetters awssqs.Queue, fn awslambda.Function, queued bool, topic awssns.Topic) {
	deadLetterDescription := "Failed asynchronous invocations are waiting in the dead-letter queue: read them, fix the cause, and send them again."
	if queued {
		deadLetterDescription = "Messages that could not be written are waiting in the dead-letter queue (each with its reason, or redriven after maxReceiveCount deliveries), or failed asynchronous invocations: read them, fix the cause, and send them again."
	}
	alarmOnAny(stack, "DeadLetterAlarm", deadLetters.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Period: fiveMinutes(), Statistic: jsii.String("Maximum")}),
		deadLetterDescription, topic)
	alarmOnAny(stack, "ErrorsAlarm", fn.MetricErrors(&awscloudwatch.MetricOptions{Period: fiveMinutes(), Statistic: jsii.String("Sum")}),
		"The writer function returned errors: its log group has one record per failed invocation, with the cause and a hint.", topic)
	alarmOnAny(stack, "ThrottlesAlarm", fn.MetricThrottles(&awscloudwatch.MetricOptions{Period: fiveMinutes(), Statistic: jsii.String("Sum")}),
		"Lambda throttled the writer function: the account's concurrency is used up; raise it or reserve concurrency for the function.", topic)
}
