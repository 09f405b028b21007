package stacks

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

const defaultQueueArn = "arn:aws:sqs:us-east-1:222222222222:cross-account-items-writer-queue"

// queueWriter is the default writer drained from a queue, with settings.
func queueWriter(settings map[string]any) []any {
	w := map[string]any{"name": "Writer", "account": "222222222222", "region": "us-east-1", "roleName": "cross-account-items-writer", "source": "queue"}
	if settings != nil {
		w["queue"] = settings
	}
	return []any{w}
}

// queues returns the writer's queue and dead-letter queue by logical ID:
// the one with a fixed name is the queue.
func queues(t *testing.T, tmpl map[string]any) (queueID string, queue map[string]any, dlqID string, dlq map[string]any) {
	t.Helper()
	found := resourcesOfType(tmpl, "AWS::SQS::Queue")
	if len(found) != 2 {
		t.Fatalf("want 2 queues (the queue and its dead-letter queue), got %d", len(found))
	}
	for id, q := range found {
		if props(q)["QueueName"] != nil {
			queueID, queue = id, q
		} else {
			dlqID, dlq = id, q
		}
	}
	if queue == nil || dlq == nil {
		t.Fatalf("want one named queue and one dead-letter queue, got %v", found)
	}
	return queueID, queue, dlqID, dlq
}

func TestQueueWriterStack(t *testing.T) {
	// GIVEN the default writer drained from a queue, with the default settings
	s := synthesize(t, withContext(defaultContext(t), config.KeyWriters, queueWriter(nil)))
	tmpl := s.templates["WriterStack"]
	queueID, queue, dlqID, dlq := queues(t, tmpl)

	// THEN the queue has its fixed name, is encrypted, kept on delete, has a
	// visibility timeout of six times the function's 10 s, keeps messages 4
	// days, and redrives to the dead-letter queue after 5 receives
	equalJSON(t, "queue", queue, map[string]any{
		"Type": "AWS::SQS::Queue",
		"Properties": map[string]any{
			"QueueName":              "cross-account-items-writer-queue",
			"SqsManagedSseEnabled":   true,
			"VisibilityTimeout":      60,
			"MessageRetentionPeriod": 4 * 24 * 3600,
			"RedrivePolicy":          map[string]any{"deadLetterTargetArn": getAtt(dlqID, "Arn"), "maxReceiveCount": 5},
		},
		"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
	})
	// AND the dead-letter queue is the function's, as for an invoke writer:
	// 14 days, longer than the queue's retention
	equalJSON(t, "dead-letter queue", dlq, map[string]any{
		"Type":           "AWS::SQS::Queue",
		"Properties":     map[string]any{"SqsManagedSseEnabled": true, "MessageRetentionPeriod": 14 * 24 * 3600},
		"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
	})

	// AND both queues refuse anything but TLS, and let no one else in
	policies := resourcesOfType(tmpl, "AWS::SQS::QueuePolicy")
	if len(policies) != 2 {
		t.Fatalf("want 2 queue policies, got %d", len(policies))
	}
	for _, p := range policies {
		target := props(p)["Queues"].([]any)[0].(map[string]any)["Ref"].(string)
		equalJSON(t, "queue policy of "+target, props(p)["PolicyDocument"], map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect": "Deny", "Action": "sqs:*", "Principal": map[string]any{"AWS": "*"},
				"Resource":  getAtt(target, "Arn"),
				"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			}},
		})
	}

	// AND the mapping drains the queue, named by its ARN from the
	// configuration, into the function, reporting partial batch failures
	fnID, fn := onlyResource(t, tmpl, "AWS::Lambda::Function")
	_, mapping := onlyResource(t, tmpl, "AWS::Lambda::EventSourceMapping")
	equalJSON(t, "event source mapping properties", props(mapping), map[string]any{
		"EventSourceArn":                 defaultQueueArn,
		"FunctionName":                   ref(fnID),
		"Enabled":                        true,
		"BatchSize":                      10,
		"MaximumBatchingWindowInSeconds": 0,
		"ScalingConfig":                  map[string]any{"MaximumConcurrency": 5},
		"FunctionResponseTypes":          []any{"ReportBatchItemFailures"},
	})
	if deps, _ := mapping["DependsOn"].([]any); !slices.Contains(deps, any(queueID)) {
		t.Errorf("mapping DependsOn = %v, want it to name the queue %s (its ARN is literal)", mapping["DependsOn"], queueID)
	}
	if s.cfg.Grants()[0].QueueArn != defaultQueueArn {
		t.Errorf("grant QueueArn = %q, want the mapping's %s", s.cfg.Grants()[0].QueueArn, defaultQueueArn)
	}

	// AND the role may drain that queue only, and send only to the
	// dead-letter queue (failed asynchronous invocations, and the messages
	// the function moves there)
	roleID, _ := onlyResource(t, tmpl, "AWS::IAM::Role")
	logGroupID, _ := onlyResource(t, tmpl, "AWS::Logs::LogGroup")
	_, policy := onlyResource(t, tmpl, "AWS::IAM::Policy")
	equalJSON(t, "policy roles", props(policy)["Roles"], []any{ref(roleID)})
	equalJSON(t, "identity policy", props(policy)["PolicyDocument"], map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{
			map[string]any{"Sid": "WriteTable", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": defaultTableArn},
			map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": getAtt(logGroupID, "Arn")},
			map[string]any{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": getAtt(dlqID, "Arn")},
			map[string]any{"Sid": "DrainQueue", "Effect": "Allow", "Action": []any{"sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, "Resource": defaultQueueArn},
		},
	})

	// AND the function is told it drains a queue, and where to move a
	// message no retry can write
	equalJSON(t, "function environment", props(fn)["Environment"], map[string]any{"Variables": map[string]any{
		"TABLE_ARN": defaultTableArn, "WRITER_SOURCE": "queue", "DEAD_LETTER_QUEUE_URL": ref(dlqID),
	}})

	// AND the alarms watch the dead-letter queue and the age of the queue's
	// oldest message: older than 5 receives of 60 s each
	alarms := map[string]map[string]any{}
	for _, a := range resourcesOfType(tmpl, "AWS::CloudWatch::Alarm") {
		alarms[props(a)["MetricName"].(string)] = props(a)
	}
	for metric, want := range map[string]map[string]any{
		"ApproximateNumberOfMessagesVisible": {"Queue": dlqID, "Threshold": 1},
		"ApproximateAgeOfOldestMessage":      {"Queue": queueID, "Threshold": 300},
	} {
		a := alarms[metric]
		if a == nil {
			t.Errorf("no alarm on %s", metric)
			continue
		}
		for key, value := range map[string]any{
			"Namespace": "AWS/SQS", "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1, "Threshold": want["Threshold"],
			"ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
			"Dimensions": []any{map[string]any{"Name": "QueueName", "Value": getAtt(want["Queue"].(string), "QueueName")}},
		} {
			equalJSON(t, metric+" alarm "+key, a[key], value)
		}
	}
	if len(alarms) != 4 {
		t.Errorf("%d alarms, want 4 (dead letters, oldest message, errors, throttles)", len(alarms))
	}

	// AND the stack outputs the queue's URL and ARN and the dead-letter
	// queue's URL
	outputs := tmpl["Outputs"].(map[string]any)
	for name, want := range map[string]any{"QueueUrl": ref(queueID), "QueueArn": getAtt(queueID, "Arn"), "DeadLetterQueueUrl": ref(dlqID)} {
		out, _ := outputs[name].(map[string]any)
		if out == nil {
			t.Errorf("no output %s", name)
			continue
		}
		equalJSON(t, name+" output", out["Value"], want)
	}
	if s.app.Writers[0].Queue == nil {
		t.Error("WriterStack.Queue is nil for a queue writer")
	}
}

func TestQueueSettingsReachTheTemplate(t *testing.T) {
	// GIVEN a queue writer with every setting changed
	settings := map[string]any{"batchSize": 100, "maxBatchingWindowSeconds": 20, "maxConcurrency": 50, "maxReceiveCount": 3}
	s := synthesize(t, withContext(defaultContext(t), config.KeyWriters, queueWriter(settings)))
	tmpl := s.templates["WriterStack"]

	// THEN the mapping has them, and the visibility timeout grows by the
	// batching window: 6 x 10 s + 20 s
	_, mapping := onlyResource(t, tmpl, "AWS::Lambda::EventSourceMapping")
	mp := props(mapping)
	for key, want := range map[string]any{"BatchSize": 100, "MaximumBatchingWindowInSeconds": 20, "ScalingConfig": map[string]any{"MaximumConcurrency": 50}} {
		equalJSON(t, "mapping "+key, mp[key], want)
	}
	_, queue, _, _ := queues(t, tmpl)
	equalJSON(t, "visibility timeout", props(queue)["VisibilityTimeout"], 80)
	equalJSON(t, "maxReceiveCount", props(queue)["RedrivePolicy"].(map[string]any)["maxReceiveCount"], 3)
	for _, a := range resourcesOfType(tmpl, "AWS::CloudWatch::Alarm") {
		if props(a)["MetricName"] == "ApproximateAgeOfOldestMessage" {
			equalJSON(t, "oldest message threshold", props(a)["Threshold"], 3*80)
		}
	}
}

// An invoke writer's stack is as before: no queue of its own, no mapping,
// no queue outputs, and the function is not told of a source.
func TestInvokeWriterHasNoQueue(t *testing.T) {
	s := synthesize(t, defaultContext(t))
	tmpl := s.templates["WriterStack"]
	for typ, want := range map[string]int{"AWS::SQS::Queue": 1, "AWS::SQS::QueuePolicy": 1, "AWS::Lambda::EventSourceMapping": 0, "AWS::CloudWatch::Alarm": 3} {
		if n := len(resourcesOfType(tmpl, typ)); n != want {
			t.Errorf("%d %s, want %d", n, typ, want)
		}
	}
	outputs := tmpl["Outputs"].(map[string]any)
	for _, name := range []string{"QueueUrl", "QueueArn", "DeadLetterQueueUrl"} {
		if _, ok := outputs[name]; ok {
			t.Errorf("output %s on an invoke writer", name)
		}
	}
	_, fn := onlyResource(t, tmpl, "AWS::Lambda::Function")
	equalJSON(t, "function environment", props(fn)["Environment"], map[string]any{"Variables": map[string]any{"TABLE_ARN": defaultTableArn}})
	if s.app.Writers[0].Queue != nil {
		t.Error("WriterStack.Queue is set for an invoke writer")
	}
}

// A queue needs the function: WriterStack refuses one for a grant without
// dynamodb:PutItem (the configuration refuses it first).
func TestQueueWithoutPutItemIsRefused(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	_, err := NewWriterStack(app, "ReaderStack", &WriterStackProps{
		RoleName: "reader", TableArn: defaultTableArn, Actions: []string{"dynamodb:GetItem"},
		Queue: &WriterQueue{Name: "reader-queue", Arn: "arn:aws:sqs:us-east-1:222222222222:reader-queue", Settings: config.DefaultQueue},
	})
	if err == nil || !strings.Contains(err.Error(), "ReaderStack: a queue needs the function, and the function needs dynamodb:PutItem in the actions") {
		t.Errorf("got %v, want the stack refused for lack of dynamodb:PutItem", err)
	}
}
