package main

// End-to-end tests of a queue writer (WRITER_SOURCE=queue): the function
// under the emulator takes SQS events, writes through the fault proxy to
// moto_server, and sends dead letters to a queue in moto_server.

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// queueWriter is a queue writer under the emulator with its own
// dead-letter queue in moto_server.
type queueWriter struct {
	fn   *lambdalocal.Function
	logs *lambdalocal.SyncBuffer
	// dlq is the dead-letter queue's URL, as the function has it.
	dlq string
	sqs *sqs.Client
}

var queueSeq atomic.Int64

// startQueueWriter starts a queue writer that writes through endpoint,
// with a new dead-letter queue in the function's own region.
func startQueueWriter(t testing.TB, endpoint string) *queueWriter {
	t.Helper()
	return startQueueWriterIn(t, endpoint, lambdalocal.FunctionRegion)
}

// startQueueWriterIn is startQueueWriter with the dead-letter queue in
// region.
func startQueueWriterIn(t testing.TB, endpoint, region string) *queueWriter {
	t.Helper()
	stack := localStack(t)
	name := fmt.Sprintf("writer-e2e-dlq-%d", queueSeq.Add(1))
	// A visibility timeout of 0, so that reading the dead-letter queue
	// hides none of its messages from the next read.
	dlq, err := stack.Moto.CreateQueue(context.Background(), region, name, map[string]string{"VisibilityTimeout": "0"})
	if err != nil {
		t.Fatal(err)
	}
	fn, logs := startWriter(t, endpoint, lambdalocal.QueueEnv(dlq, stack.Moto.URL)...)
	return &queueWriter{fn: fn, logs: logs, dlq: dlq, sqs: stack.Moto.SQS(region)}
}

// sqsEventOf is the SQS event Lambda's event source mapping would send for
// messages with these bodies, with the IDs m0, m1, ...
func sqsEventOf(t *testing.T, bodies ...string) string {
	t.Helper()
	var ev events.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: fmt.Sprintf("m%d", i), ReceiptHandle: fmt.Sprintf("r%d", i), Body: b,
			EventSource: "aws:sqs", EventSourceARN: "arn:aws:sqs:eu-west-1:222222222222:writer-queue", AWSRegion: "eu-west-1",
		})
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// listed checks that the invocation returned a valid SQS batch response
// and returns the listed message IDs.
func listed(t *testing.T, res lambdalocal.Result) []string {
	t.Helper()
	if res.ErrorType != "" {
		t.Fatalf("function failed: %s: %s", res.ErrorType, res.ErrorMessage)
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(res.Payload, &resp); err != nil || resp.BatchItemFailures == nil {
		t.Fatalf("response %s (%v): want an SQS batch response, {\"batchItemFailures\": [...]}", res.Payload, err)
	}
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// deadLetters receives every message of the writer's dead-letter queue.
func (w *queueWriter) deadLetters(t *testing.T) []sqstypes.Message {
	t.Helper()
	out, err := w.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(w.dlq), MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"},
	})
	if err != nil {
		t.Fatalf("receive from the dead-letter queue: %v", err)
	}
	return out.Messages
}

// records returns the function's log records of message id.
func (w *queueWriter) records(t *testing.T, id string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(w.logs.String(), "\n") {
		var r map[string]any
		if json.Unmarshal([]byte(line), &r) == nil && r["messageId"] == id {
			out = append(out, r)
		}
	}
	return out
}

// checkRecord checks that message id has one log record, with outcome.
// The function's output reaches the log through the emulator's pipe, which
// may lag the invocation's answer: it waits, up to 5 s, for the record.
func (w *queueWriter) checkRecord(t *testing.T, id, outcome string) map[string]any {
	t.Helper()
	rs := w.records(t, id)
	for deadline := time.Now().Add(5 * time.Second); len(rs) == 0 && time.Now().Before(deadline); rs = w.records(t, id) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(rs) != 1 || rs[0]["outcome"] != outcome {
		t.Errorf("log records of %s = %v, want one with outcome %s", id, rs, outcome)
		return nil
	}
	return rs[0]
}

func attr(m sqstypes.Message, name string) string {
	return aws.ToString(m.MessageAttributes[name].StringValue)
}

// Ten messages, one of them invalid: nine items stored, nothing listed,
// the invalid one in the dead-letter queue with its reason.
func TestE2EQueueTenMessagesOneInvalid(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	w := startQueueWriter(t, newFaultProxy(t, stack.Moto.URL).URL)
	const secret = "queue-value-that-must-not-be-logged"
	bodies := make([]string, 10)
	for i := range bodies {
		bodies[i] = fmt.Sprintf(`{"category":"QueueTen","item":"%d","note":%q}`, i, secret)
	}
	const invalid = `{"category":"QueueTen","note":"` + secret + `"}`
	bodies[6] = invalid
	if got := listed(t, invoke(t, w.fn, sqsEventOf(t, bodies...))); len(got) != 0 {
		t.Errorf("listed %v, want none: the nine are written and the invalid one dead-lettered", got)
	}
	if got := countCategory(t, "QueueTen"); got != 9 {
		t.Errorf("%d items stored, want 9", got)
	}
	if getItem(t, stack, "QueueTen", "6") != nil {
		t.Error("item 6 is stored; its message was the invalid one")
	}
	dead := w.deadLetters(t)
	if len(dead) != 1 || aws.ToString(dead[0].Body) != invalid || attr(dead[0], "ErrorCode") != "InvalidEventError" ||
		!strings.HasPrefix(attr(dead[0], "ErrorMessage"), "invalid event: item: missing") {
		t.Fatalf("dead-letter queue holds %+v, want the invalid message with ErrorCode InvalidEventError and ErrorMessage invalid event: item: missing...", dead)
	}
	for i := range bodies {
		want := outcomeWritten
		if i == 6 {
			want = outcomeDeadLettered
		}
		w.checkRecord(t, fmt.Sprintf("m%d", i), want)
	}
	if r := w.checkRecord(t, "m6", outcomeDeadLettered); r != nil && (r["errorType"] != "InvalidEventError" || r["deadLetterMessageId"] != aws.ToString(dead[0].MessageId)) {
		t.Errorf("the invalid message's record %v, want its errorType and the dead letter's message ID %s", r, aws.ToString(dead[0].MessageId))
	}
	if strings.Contains(w.logs.String(), secret) {
		t.Error("the function logged an attribute value")
	}
}

// A message whose put meets HTTP 500 on every attempt is listed, the other
// is not; delivered again once DynamoDB answers, it is written.
func TestE2EQueueServerErrorIsListed(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	proxy := newFaultProxy(t, stack.Moto.URL)
	w := startQueueWriter(t, proxy.URL)
	// Messages are written in the event's order: the first one's put
	// passes, the second one's attempts all get HTTP 500.
	proxy.set(fail500, pass)
	event := sqsEventOf(t, `{"category":"QueueFail","item":"fine"}`, `{"category":"QueueFail","item":"failing"}`)
	if got := listed(t, invoke(t, w.fn, event)); !reflect.DeepEqual(got, []string{"m1"}) {
		t.Errorf("listed %v, want [m1]", got)
	}
	if got := proxy.count(); got != 1+maxAttempts {
		t.Errorf("the proxy saw %d requests, want 1 and %d attempts", got, maxAttempts)
	}
	if r := w.checkRecord(t, "m1", outcomeRetry); r != nil && (r["errorType"] != "OutcomeUnknownError" || r["cause"] != "InternalServerError") {
		t.Errorf("record of m1 = %v, want OutcomeUnknownError, cause InternalServerError", r)
	}
	if got := countCategory(t, "QueueFail"); got != 1 {
		t.Errorf("%d items stored, want 1", got)
	}
	if dead := w.deadLetters(t); len(dead) != 0 {
		t.Errorf("dead-letter queue holds %d messages, want none: a transient failure is SQS's to redeliver", len(dead))
	}
	// SQS delivers the listed message again.
	proxy.set(pass)
	if got := listed(t, invoke(t, w.fn, sqsEventOf(t, `{"category":"QueueFail","item":"failing"}`))); len(got) != 0 {
		t.Errorf("listed %v on redelivery, want none", got)
	}
	if got := countCategory(t, "QueueFail"); got != 2 {
		t.Errorf("%d items stored after the redelivery, want 2", got)
	}
}

// A batch body is all or nothing: five fresh items are written; five with
// one key taken by another item write nothing, and the message is
// dead-lettered with the conflicting key.
func TestE2EQueueBatchBodyIsAllOrNothing(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	w := startQueueWriter(t, newFaultProxy(t, stack.Moto.URL).URL)
	mustSucceed(t, invoke(t, stack.Function, `{"category":"QueueConflict","item":"3","other":"content"}`))
	fresh, conflicting := batchOf("QueueBatch", 5), batchOf("QueueConflict", 5)
	if got := listed(t, invoke(t, w.fn, sqsEventOf(t, fresh, conflicting))); len(got) != 0 {
		t.Errorf("listed %v, want none", got)
	}
	if got := countCategory(t, "QueueBatch"); got != 5 {
		t.Errorf("%d items of the fresh batch stored, want 5", got)
	}
	if got := countCategory(t, "QueueConflict"); got != 1 {
		t.Errorf("%d items of the conflicting batch's category stored, want the 1 stored before", got)
	}
	if r := w.checkRecord(t, "m0", outcomeWritten); r != nil && (r["msg"] != "batch written" || r["items"] != 5.0) {
		t.Errorf("record of m0 = %v, want a batch of 5 written", r)
	}
	w.checkRecord(t, "m1", outcomeDeadLettered)
	dead := w.deadLetters(t)
	if len(dead) != 1 || aws.ToString(dead[0].Body) != conflicting || attr(dead[0], "ErrorCode") != "ItemExistsError" ||
		!strings.Contains(attr(dead[0], "ErrorMessage"), `1 of the batch's 5 items already exist in `+stack.TableARN) ||
		!strings.Contains(attr(dead[0], "ErrorMessage"), `[3] category="QueueConflict" item="3"`) {
		t.Errorf("dead-letter queue holds %+v, want the conflicting batch with ErrorCode ItemExistsError naming key 3", dead)
	}
}

// SQS delivers at least once: the same messages again are already written
// and change nothing.
func TestE2EQueueRedeliveredMessageIsAlreadyWritten(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	proxy := newFaultProxy(t, stack.Moto.URL)
	w := startQueueWriter(t, proxy.URL)
	event := sqsEventOf(t, `{"category":"QueueAgain","item":"single","n":1}`, batchOf("QueueAgain", 3))
	if got := listed(t, invoke(t, w.fn, event)); len(got) != 0 {
		t.Fatalf("listed %v, want none", got)
	}
	single, batched := getItem(t, stack, "QueueAgain", "single"), getItem(t, stack, "QueueAgain", "2")
	if got := listed(t, invoke(t, w.fn, event)); len(got) != 0 {
		t.Errorf("listed %v on redelivery, want none", got)
	}
	if got := getItem(t, stack, "QueueAgain", "single"); !reflect.DeepEqual(got, single) {
		t.Errorf("redelivery changed the item: %v, was %v", got, single)
	}
	if got := getItem(t, stack, "QueueAgain", "2"); !reflect.DeepEqual(got, batched) {
		t.Errorf("redelivery changed a batch's item: %v, was %v", got, batched)
	}
	rs0, rs1 := w.records(t, "m0"), w.records(t, "m1")
	if len(rs0) != 2 || rs0[1]["msg"] != "item already written" || rs0[1]["outcome"] != outcomeWritten {
		t.Errorf("records of m0 = %v, want the second one item already written", rs0)
	}
	if len(rs1) != 2 || rs1[1]["alreadyWritten"] != 3.0 || rs1[1]["outcome"] != outcomeWritten {
		t.Errorf("records of m1 = %v, want the second one with the 3 items already written", rs1)
	}
	if dead := w.deadLetters(t); len(dead) != 0 {
		t.Errorf("dead-letter queue holds %d messages, want none", len(dead))
	}
}

// moto_server keeps queues per signing region: a dead letter that reaches
// a queue in another region than AWS_REGION shows that the SQS client took
// its region from the queue's URL.
func TestE2EQueueClientUsesTheQueueURLsRegion(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	const region = "us-west-2"
	w := startQueueWriterIn(t, newFaultProxy(t, stack.Moto.URL).URL, region)
	if _, err := stack.Moto.SQS(lambdalocal.FunctionRegion).GetQueueUrl(context.Background(),
		&sqs.GetQueueUrlInput{QueueName: aws.String(w.dlq[strings.LastIndex(w.dlq, "/")+1:])}); err == nil {
		t.Fatalf("moto_server finds the queue from %s: this test cannot tell the regions apart", lambdalocal.FunctionRegion)
	}
	if got := listed(t, invoke(t, w.fn, sqsEventOf(t, `[]`))); len(got) != 0 {
		t.Errorf("listed %v, want none: the invalid message is dead-lettered", got)
	}
	if dead := w.deadLetters(t); len(dead) != 1 || attr(dead[0], "ErrorCode") != "InvalidEventError" {
		t.Errorf("dead-letter queue in %s holds %+v, want the invalid message", region, dead)
	}
}

// A WRITER_SOURCE that is not queue, or a queue writer without its
// dead-letter queue, stops the function at start-up.
func TestE2EBadQueueSettingsStopTheFunction(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	for _, tt := range []struct {
		env  []string
		want string
	}{
		{[]string{"WRITER_SOURCE=sqs"}, `WRITER_SOURCE is \"sqs\"; want queue (a writer fed by a queue) or unset (an invoked writer)`},
		{[]string{"WRITER_SOURCE=queue"}, `DEAD_LETTER_QUEUE_URL is not set`},
	} {
		logs := &lambdalocal.SyncBuffer{}
		fn, err := lambdalocal.StartFunction(context.Background(), local.bins, append(lambdalocal.WriterEnv(stack.TableARN, stack.Moto.URL), tt.env...), logs)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		res, err := fn.Invoke(ctx, []byte(sqsEventOf(t, `{"category":"QueueBad","item":"x"}`)))
		cancel()
		if err == nil || !strings.Contains(err.Error(), "HTTP 502") {
			t.Errorf("%v: invoke = %s, %v; want the emulator's HTTP 502 for a failed init", tt.env, res.Payload, err)
		}
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), tt.want) && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		if !strings.Contains(logs.String(), tt.want) {
			t.Errorf("%v: the function's output does not say what is wrong (%s):\n%s", tt.env, tt.want, logs.String())
		}
		if err := fn.Stop(); err != nil {
			t.Error(err)
		}
	}
}
