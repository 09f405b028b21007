package main

// The end-to-end path of a queue writer's messages through a queue in
// moto_server, drained by the test's poller (queuePoller) in place of the
// event source mapping.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// Through a queue in moto_server, with the test's poller for the event
// source mapping and a redrive policy to the dead-letter queue: every
// message ends as an item or in the dead-letter queue. The invalid one is
// moved by the function at once, with its reason; the one whose put fails
// on every delivery is listed each time, and SQS's redrive policy moves it
// after maxReceiveCount receives.
func TestE2EQueueEveryMessageEndsStoredOrDeadLettered(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	proxy := newFaultProxy(t, stack.Moto.URL)
	proxy.failMatching = `"QueueDrainFailing"`
	w := startQueueWriter(t, proxy.URL)
	ctx := context.Background()
	dlqName := w.dlq[strings.LastIndex(w.dlq, "/")+1:]
	queueName := strings.Replace(dlqName, "dlq", "queue", 1)
	region, account := lambdalocal.FunctionRegion, stack.Moto.AccountID
	redrive := fmt.Sprintf(`{"deadLetterTargetArn":"arn:aws:sqs:%s:%s:%s","maxReceiveCount":"2"}`, region, account, dlqName)
	queueURL, err := stack.Moto.CreateQueue(ctx, region, queueName, map[string]string{"RedrivePolicy": redrive, "VisibilityTimeout": "1"})
	if err != nil {
		t.Fatal(err)
	}
	p := &queuePoller{sqs: w.sqs, queueURL: queueURL, queueARN: fmt.Sprintf("arn:aws:sqs:%s:%s:%s", region, account, queueName),
		region: region, fn: w.fn, batchSize: 10}
	var entries []sqstypes.SendMessageBatchRequestEntry
	for i := range 8 {
		entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String(fmt.Sprintf(`{"category":"QueueDrain","item":"%d"}`, i))})
	}
	const invalid, failing = `{"category":"QueueDrain","item":""}`, `{"category":"QueueDrainFailing","item":"x"}`
	entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String("invalid"), MessageBody: aws.String(invalid)},
		sqstypes.SendMessageBatchRequestEntry{Id: aws.String("failing"), MessageBody: aws.String(failing)})
	sent, err := w.sqs.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(queueURL), Entries: entries})
	if err != nil || len(sent.Failed) > 0 {
		t.Fatalf("send: %v %+v", err, sent)
	}
	failingID := ""
	for _, s := range sent.Successful {
		if aws.ToString(s.Id) == "failing" {
			failingID = aws.ToString(s.MessageId)
		}
	}

	var dead []sqstypes.Message
	for deadline := time.Now().Add(30 * time.Second); len(dead) < 2 && time.Now().Before(deadline); {
		if _, _, err := p.poll(ctx, 1); err != nil {
			t.Fatal(err)
		}
		dead = w.deadLetters(t)
	}
	if got := countCategory(t, "QueueDrain"); got != 8 {
		t.Errorf("%d items stored, want 8", got)
	}
	bodies := map[string]sqstypes.Message{}
	for _, m := range dead {
		bodies[aws.ToString(m.Body)] = m
	}
	if m, ok := bodies[invalid]; !ok || attr(m, "ErrorCode") != "InvalidEventError" || !strings.HasPrefix(attr(m, "ErrorMessage"), "invalid event: item: empty") {
		t.Errorf("the invalid message in the dead-letter queue: %+v, %v; want it with ErrorCode InvalidEventError and its rule", m, ok)
	}
	if m, ok := bodies[failing]; !ok || len(m.MessageAttributes) != 0 {
		t.Errorf("the failing message in the dead-letter queue: %+v, %v; want it there, moved by the redrive policy (no reason attributes)", m, ok)
	}
	if len(dead) != 2 {
		t.Errorf("dead-letter queue holds %d messages, want 2", len(dead))
	}
	left, err := w.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 2})
	if err != nil || len(left.Messages) != 0 {
		t.Errorf("the queue still holds %v (%v), want nothing", left, err)
	}
	if rs := w.records(t, failingID); len(rs) != 2 || rs[0]["outcome"] != outcomeRetry || rs[0]["cause"] != "InternalServerError" {
		t.Errorf("log records of the failing message %s = %v, want one per receive (2), each retry with its cause", failingID, rs)
	}
}
