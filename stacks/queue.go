package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// WriterQueue is a queue in front of the writer function
// (config.SourceQueue): producers send to it, Lambda's event source mapping
// drains it.
type WriterQueue struct {
	// Name is the queue's physical name (config.Writer.QueueName), fixed so
	// that its ARN is known from the configuration.
	Name string
	// Arn is the queue's ARN (config.Writer.QueueArn). The role's statement
	// and the event source mapping name it literally, as the configuration
	// computes it, so that the access check matches the mapping with the
	// declared queue (config.Grant.QueueArn) without resolving the
	// template.
	Arn string
	// Settings are the mapping's batch size, batching window and maximum
	// concurrency, and the redrive policy's maxReceiveCount.
	Settings config.Queue
}

// The queue's fixed settings, stated rather than left to SQS's defaults.
const (
	// queueRetentionDays is how long an undrained message is kept: SQS's
	// default, four days, stated. The dead-letter queue keeps its messages
	// 14 days (SQS's most), longer than this: a message's age in the
	// dead-letter queue counts from when it was first sent.
	queueRetentionDays = 4
	// visibilityTimeoutFactor times the function's timeout (plus the
	// batching window) is the queue's visibility timeout: AWS's advice, so
	// that a batch Lambda retries after a throttle is not delivered twice
	// at once.
	visibilityTimeoutFactor = 6
)

// queueVisibilityTimeout is how long a received message stays hidden, in
// seconds: six times the function's timeout, plus the time Lambda may
// spend gathering the batch.
func queueVisibilityTimeout(s config.Queue) int {
	return visibilityTimeoutFactor*functionTimeoutSeconds + s.MaxBatchingWindowSeconds
}

// queueEnvironment is what the function of a queue writer is told, on top
// of the table's ARN.
func queueEnvironment(deadLetters awssqs.Queue) map[string]*string {
	return map[string]*string{
		writerspec.Source:          jsii.String(writerspec.SourceQueue),
		writerspec.DeadLetterQueue: deadLetters.QueueUrl(),
	}
}

// newWriterQueue defines the queue that feeds fn, its redrive policy to
// deadLetters, the event source mapping, the role's permission to drain
// that queue only, the alarm on the age of its oldest message, and the
// queue's outputs.
func newWriterQueue(stack awscdk.Stack, role awsiam.Role, fn awslambda.Function, deadLetters awssqs.Queue, q *WriterQueue, topic awssns.Topic) awssqs.Queue {
	s := q.Settings
	queue := awssqs.NewQueue(stack, jsii.String("Queue"), &awssqs.QueueProps{
		QueueName:         jsii.String(q.Name),
		Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		RetentionPeriod:   awscdk.Duration_Days(jsii.Number(queueRetentionDays)),
		VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(queueVisibilityTimeout(s))),
		DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: deadLetters, MaxReceiveCount: jsii.Number(s.MaxReceiveCount)},
		// Messages not yet written are data: kept, like the dead-letter
		// queue and the table.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	// What Lambda's poller calls with the function's role, on this queue
	// only. Not sqs:ChangeMessageVisibility: the function never changes a
	// message's visibility; a failed message waits out the timeout.
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("DrainQueue"),
		Actions:   jsii.Strings("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
		Resources: jsii.Strings(q.Arn),
	}))
	mapping := awslambda.NewEventSourceMapping(stack, jsii.String("QueueMapping"), &awslambda.EventSourceMappingProps{
		Target:         fn,
		EventSourceArn: jsii.String(q.Arn),
		Enabled:        jsii.Bool(true),
		BatchSize:      jsii.Number(s.BatchSize),
		// Stated even when 0, so that the template says what Lambda does.
		MaxBatchingWindow: awscdk.Duration_Seconds(jsii.Number(s.MaxBatchingWindowSeconds)),
		MaxConcurrency:    jsii.Number(s.MaxConcurrency),
		// The function lists the messages to retry; the others of the
		// batch are deleted, not delivered again.
		ReportBatchItemFailures: jsii.Bool(true),
	})
	// The literal ARN orders nothing: Lambda checks that the queue exists.
	mapping.Node().AddDependency(queue)

	// A message older than maxReceiveCount visibility timeouts has been
	// neither written nor dead-lettered in the time its retries take: the
	// queue is not being drained, or not fast enough.
	oldest := s.MaxReceiveCount * queueVisibilityTimeout(s)
	alarmAbove(stack, "OldestMessageAlarm",
		queue.MetricApproximateAgeOfOldestMessage(&awscloudwatch.MetricOptions{Period: fiveMinutes(), Statistic: jsii.String("Maximum")}), float64(oldest),
		"A message has waited in the writer's queue longer than its retries take (maxReceiveCount times the visibility timeout): the event source mapping is disabled, throttled, or behind; check it and the function's errors.", topic)

	awscdk.NewCfnOutput(stack, jsii.String("QueueUrl"), &awscdk.CfnOutputProps{
		Value:       queue.QueueUrl(),
		Description: jsii.String("URL of the writer's queue; send one event per message to write items"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("QueueArn"), &awscdk.CfnOutputProps{
		Value:       queue.QueueArn(),
		Description: jsii.String("ARN of the writer's queue; whoever may send to it writes through the function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("DeadLetterQueueUrl"), &awscdk.CfnOutputProps{
		Value:       deadLetters.QueueUrl(),
		Description: jsii.String("URL of the dead-letter queue: messages that could not be written, with their reason"),
	})
	return queue
}
