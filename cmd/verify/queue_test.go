package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
)

// queueWriters is the default writer drained from a queue, as -c takes it.
const queueWriters = `[{"name":"Writer","account":"222222222222","region":"us-east-1","roleName":"cross-account-items-writer","source":"queue"}]`

// queueApp is the app synthesized with queueWriters, on first use.
var queueApp struct {
	once     sync.Once
	err      error
	assembly string
	cfg      config.Config
}

// queueDeployment is deployment for the app with queueWriters.
func queueDeployment(t *testing.T) {
	t.Helper()
	deploymentOf(t, func() string {
		queueApp.once.Do(func() {
			queueApp.assembly, queueApp.cfg, queueApp.err = synth(filepath.Join(local.dir, "cdk.out.queue"), map[string]any{config.KeyWriters: queueWriters})
		})
		if queueApp.err != nil {
			t.Fatalf("synthesize the queue writer: %v", queueApp.err)
		}
		return queueApp.assembly
	})
}

// drainQueue stands in for the event source mapping, which moto does not
// run: it receives from the writer's queue and invokes the writer binary
// under the emulator with each message's body, deleting the messages it
// wrote, until the test ends.
func drainQueue(t *testing.T) {
	t.Helper()
	w := queueApp.cfg.Writers[0]
	client := sqs.NewFromConfig(awsConfigFor(t, "b", w.Region))
	ctx, cancel := context.WithCancel(context.Background())
	url, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(w.QueueName())})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			got, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
			if err != nil {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			for _, m := range got.Messages {
				res, err := local.fn.Invoke(ctx, []byte(aws.ToString(m.Body)))
				if err != nil || res.ErrorType != "" {
					continue // visible again after the visibility timeout
				}
				client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url.QueueUrl, ReceiptHandle: m.ReceiptHandle})
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func TestQueueWriterPassesWithWrite(t *testing.T) {
	queueDeployment(t)
	drainQueue(t)
	fn := writerFunction(t)
	queueArn := "arn:aws:sqs:us-east-1:222222222222:cross-account-items-writer-queue"
	code, out := verifyRunOn(t, queueApp.assembly, "-profile-a", "a", "-profile-b", "b", "-c", "writers="+queueWriters, "-write")
	if code != exitcode.OK {
		t.Errorf("exit code %d, want %d:\n%s", code, exitcode.OK, out[max(0, len(out)-3000):])
	}
	wantLines(t, out,
		"OK     queue "+queueArn+" exists",
		"OK     queue "+queueArn+" is encrypted at rest",
		"OK     queue "+queueArn+": VisibilityTimeout is 60 s",
		"OK     queue "+queueArn+": MessageRetentionPeriod is 345600 s",
		"OK     the queue policy of "+queueArn+" refuses calls without TLS and allows no one",
		"OK     queue "+queueArn+": redriven to arn:aws:sqs:us-east-1:222222222222:WriterStack-DeadLetterQueue",
		" after 5 receives",
		"OK     the queue policy of arn:aws:sqs:us-east-1:222222222222:WriterStack-DeadLetterQueue",
		" from "+queueArn+" is enabled",
		" reports batch item failures",
		": batch size is 10",
		": batching window is 0",
		": maximum concurrency is 5",
		"OK     function "+fn+": WRITER_SOURCE is queue",
		"OK     function "+fn+": DEAD_LETTER_QUEUE_URL is ",
		`OK     writer Writer: sent {"category":"verify-probe","item":"`,
		"OK     writer Writer: the queue's function wrote the probe item item=",
		"OK     writer Writer: read the probe item back",
		"OK     writer Writer: deleted the probe item",
		"declared: the writer's queue feeds its function",
		" 0 differences, 0 could not be checked.",
	)
	if n := probeItems(t); n != 0 {
		t.Errorf("%d probe items left in the table, want 0", n)
	}
}

// A queue writer's drift: the mapping disabled, or without partial batch
// responses, is a difference.
func TestQueueWriterDrift(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		update lambda.UpdateEventSourceMappingInput
		want   string
	}{
		{"mapping disabled", lambda.UpdateEventSourceMappingInput{Enabled: aws.Bool(false)}, " is Disabled, want Enabled: the queue is not drained; aws lambda update-event-source-mapping --profile b --region us-east-1 --uuid "},
		{"smaller batches", lambda.UpdateEventSourceMappingInput{BatchSize: aws.Int32(1)}, ": batch size is 1, want 10 (writers[].queue); redeploy WriterStack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			queueDeployment(t)
			client := lambda.NewFromConfig(awsConfigFor(t, "b", "us-east-1"))
			list, err := client.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{})
			if err != nil || len(list.EventSourceMappings) != 1 {
				t.Fatalf("list mappings: %v, want one", err)
			}
			tc.update.UUID = list.EventSourceMappings[0].UUID
			if _, err := client.UpdateEventSourceMapping(ctx, &tc.update); err != nil {
				t.Fatal(err)
			}
			code, out := verifyRunOn(t, queueApp.assembly, "-profile-a", "a", "-profile-b", "b", "-c", "writers="+queueWriters)
			if code == exitcode.OK {
				t.Error("exit code 0, want a difference")
			}
			wantLines(t, out, "FAIL   event source mapping ")
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q", tc.want)
			}
		})
	}
}

// The assembly must be of the same configuration: a queue writer checked
// against the invoked writer's cdk.out, or the other way round, cannot be
// checked.
func TestQueueWriterAgainstAnotherAssembly(t *testing.T) {
	deployment(t)
	code, out := verifyRun(t, "-profile-a", "a", "-profile-b", "b", "-c", "writers="+queueWriters)
	if code != exitcode.CannotCheck {
		t.Errorf("exit code %d, want %d (could not check)", code, exitcode.CannotCheck)
	}
	wantLines(t, out, "ERROR  "+local.assembly+` does not define writer Writer with "source": "queue": synthesize it with the same configuration: npx cdk synth --quiet -c 'writers=`)

	queueDeployment(t)
	code, out = verifyRunOn(t, queueApp.assembly, "-profile-a", "a", "-profile-b", "b")
	if code != exitcode.CannotCheck {
		t.Errorf("exit code %d, want %d (could not check)", code, exitcode.CannotCheck)
	}
	wantLines(t, out, "ERROR  "+queueApp.assembly+` does not define writer Writer with "source": "invoke"`)
}
