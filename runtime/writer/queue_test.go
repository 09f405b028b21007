package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const testDLQ = "https://sqs.eu-west-1.amazonaws.com/222222222222/writer-dlq"

// keyedDB answers each PutItem by its item's sort key (nil when the key
// is not in errs), and every TransactWriteItems with transactErr.
type keyedDB struct {
	mu          sync.Mutex
	errs        map[string]error
	puts        []string
	transacts   int
	transactErr error
}

func (f *keyedDB) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	item := in.Item["item"].(*types.AttributeValueMemberS).Value
	f.puts = append(f.puts, item)
	return &dynamodb.PutItemOutput{}, f.errs[item]
}

func (f *keyedDB) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.transacts++
	return &dynamodb.TransactWriteItemsOutput{}, f.transactErr
}

// deadLetter is one message the handler sent to the dead-letter queue.
type deadLetter struct{ body, code, message string }

// fakeDeadLetters records the dead letters sent and answers with err.
type fakeDeadLetters struct {
	sent []deadLetter
	err  error
}

func (f *fakeDeadLetters) Send(_ context.Context, body, code, message string) (string, error) {
	f.sent = append(f.sent, deadLetter{body, code, message})
	if f.err != nil {
		return "", f.err
	}
	return fmt.Sprintf("dead-%d", len(f.sent)), nil
}

func sqsEvent(t *testing.T, bodies map[string]string, order ...string) []byte {
	t.Helper()
	var ev events.SQSEvent
	for _, id := range order {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: id, Body: bodies[id], EventSource: "aws:sqs"})
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logRecords decodes the JSON records of a log, by their messageId.
func logRecords(t *testing.T, log string) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		id, _ := r["messageId"].(string)
		out[id] = append(out[id], r)
	}
	return out
}

func TestQueueListsOnlyTransientFailuresAndDeadLettersTheRest(t *testing.T) {
	t.Parallel()
	const secret = "value-that-must-not-be-logged"
	db := &keyedDB{errs: map[string]error{
		// Another item is stored under the key: no digest of this write.
		"taken": apiError(400, &types.ConditionalCheckFailedException{Item: map[string]types.AttributeValue{"item": s("taken")}}),
		"down":  apiError(400, &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")}),
	}}
	dlq := &fakeDeadLetters{}
	var log bytes.Buffer
	q := &QueueHandler{Writer: newTestHandler(db, &log), DeadLetters: dlq}
	bodies := map[string]string{
		"m-item":    `{"category":"Q","item":"one","note":"` + secret + `"}`,
		"m-batch":   `[{"category":"Q","item":"b1"},{"category":"Q","item":"b2"}]`,
		"m-invalid": `{"category":"Q","item":"bad","note":"` + secret + `"`,
		"m-taken":   `{"category":"Q","item":"taken","note":"` + secret + `"}`,
		"m-down":    `{"category":"Q","item":"down"}`,
	}
	order := []string{"m-item", "m-batch", "m-invalid", "m-taken", "m-down"}
	out, err := q.Invoke(context.Background(), sqsEvent(t, bodies, order...))
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if want := `{"batchItemFailures":[{"itemIdentifier":"m-down"}]}`; string(out) != want {
		t.Errorf("response = %s, want %s: only the throttled message listed", out, want)
	}
	if !reflect.DeepEqual(db.puts, []string{"one", "taken", "down"}) || db.transacts != 1 {
		t.Errorf("puts %v and %d transactions, want each message written once, in order, by its own path", db.puts, db.transacts)
	}

	wantDead := []struct{ body, code, message string }{
		{bodies["m-invalid"], "InvalidEventError", "invalid event: "},
		{bodies["m-taken"], "ItemExistsError", `item category="Q" item="taken" already exists in ` + testTableARN},
	}
	if len(dlq.sent) != len(wantDead) {
		t.Fatalf("%d messages sent to the dead-letter queue, want %d", len(dlq.sent), len(wantDead))
	}
	for i, w := range wantDead {
		got := dlq.sent[i]
		if got.body != w.body || got.code != w.code || !strings.HasPrefix(got.message, w.message) {
			t.Errorf("dead letter %d = body %s, ErrorCode %s, ErrorMessage %s; want the body, ErrorCode %s, ErrorMessage starting %q",
				i, got.body, got.code, got.message, w.code, w.message)
		}
	}

	if strings.Contains(log.String(), secret) || strings.Contains(log.String(), "note") {
		t.Errorf("the log holds an attribute's name or value:\n%s", log.String())
	}
	records := logRecords(t, log.String())
	for _, tt := range []struct {
		id, msg, outcome string
		extra            map[string]any
	}{
		{"m-item", "item written", outcomeWritten, map[string]any{"category": "Q", "item": "one"}},
		{"m-batch", "batch written", outcomeWritten, map[string]any{"items": 2.0}},
		{"m-invalid", "event rejected", outcomeDeadLettered, map[string]any{"errorType": "InvalidEventError", "deadLetterMessageId": "dead-1"}},
		{"m-taken", "item exists with other content", outcomeDeadLettered, map[string]any{"errorType": "ItemExistsError", "item": "taken", "deadLetterMessageId": "dead-2"}},
		{"m-down", "put item failed; nothing was written", outcomeRetry, map[string]any{"errorType": "WriteError", "cause": "ProvisionedThroughputExceededException"}},
	} {
		rs := records[tt.id]
		if len(rs) != 1 {
			t.Errorf("message %s has %d log records, want 1:\n%s", tt.id, len(rs), log.String())
			continue
		}
		r := rs[0]
		if r["msg"] != tt.msg || r["outcome"] != tt.outcome {
			t.Errorf("message %s: record %v, want msg %q, outcome %q", tt.id, r, tt.msg, tt.outcome)
		}
		for k, v := range tt.extra {
			if r[k] != v {
				t.Errorf("message %s: record's %s = %v, want %v", tt.id, k, r[k], v)
			}
		}
	}
	if len(records) != len(order) {
		t.Errorf("log records for %d messages (%v), want %d, none without a message", len(records), records, len(order))
	}
}

// A message that can never succeed stays in the queue when the move to the
// dead-letter queue fails: listed, SQS delivers it again, and after
// maxReceiveCount its redrive policy moves it.
func TestQueueListsAMessageWhoseDeadLetterFails(t *testing.T) {
	t.Parallel()
	dlq := &fakeDeadLetters{err: errors.New("send failed: connection refused")}
	var log bytes.Buffer
	q := &QueueHandler{Writer: newTestHandler(&keyedDB{}, &log), DeadLetters: dlq}
	out, err := q.Invoke(context.Background(), sqsEvent(t, map[string]string{"m1": `not json`, "m2": `{"category":"Q","item":"ok"}`}, "m1", "m2"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"batchItemFailures":[{"itemIdentifier":"m1"}]}`; string(out) != want {
		t.Errorf("response = %s, want %s", out, want)
	}
	r := logRecords(t, log.String())["m1"]
	if len(r) != 1 || r[0]["outcome"] != outcomeRetry || r[0]["errorType"] != "InvalidEventError" || r[0]["deadLetterError"] != "send failed: connection refused" {
		t.Errorf("records of m1 = %v, want one, outcome retry, with the event's error and the dead letter's", r)
	}
}

func TestQueueAllWrittenListsNothing(t *testing.T) {
	t.Parallel()
	q := &QueueHandler{Writer: newTestHandler(&keyedDB{}, nil), DeadLetters: &fakeDeadLetters{}}
	out, err := q.Invoke(context.Background(), sqsEvent(t, map[string]string{"m1": `{"category":"Q","item":"a"}`}, "m1"))
	if err != nil || string(out) != `{"batchItemFailures":[]}` {
		t.Errorf("Invoke = %s, %v; want an empty list", out, err)
	}
}

// A payload that is not an SQS event fails the invocation (Lambda delivers
// the batch again) rather than writing nothing and reporting success.
func TestQueueRefusesWhatIsNotAnSQSEvent(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{`{"category":"Fruit","item":"Pear"}`, `[]`, `{"Records":[]}`, `{"Records":[{"body":"{}"}]}`, `not json`} {
		db := &keyedDB{}
		var log bytes.Buffer
		q := &QueueHandler{Writer: newTestHandler(db, &log), DeadLetters: &fakeDeadLetters{}}
		_, err := q.Invoke(context.Background(), []byte(payload))
		var invalid *InvalidEventError
		if !errors.As(err, &invalid) || len(db.puts) != 0 {
			t.Errorf("%s: err = %v with %d puts, want an InvalidEventError and nothing written", payload, err, len(db.puts))
		}
		if got := strings.Count(log.String(), `"errorType":"InvalidEventError"`); got != 1 {
			t.Errorf("%s: %d log records, want 1", payload, got)
		}
	}
}

func TestErrorMessageIsCut(t *testing.T) {
	t.Parallel()
	long := errors.New(strings.Repeat("é", maxErrorMessageBytes))
	got := errorMessage(long)
	if len(got) > maxErrorMessageBytes || !strings.HasSuffix(got, "é...") {
		t.Errorf("errorMessage = %d bytes ending %q, want at most %d, cut at a character with ...", len(got), got[len(got)-8:], maxErrorMessageBytes)
	}
	if short := errors.New("short"); errorMessage(short) != "short" {
		t.Errorf("errorMessage cut a short message")
	}
}

func TestQueueRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, wantErr string
	}{
		{testDLQ, "eu-west-1", ""},
		{"https://sqs.cn-north-1.amazonaws.com.cn/222222222222/q", "cn-north-1", ""},
		{"https://us-gov-west-1.queue.amazonaws.com/222222222222/q", "us-gov-west-1", ""},
		{"", "", "DEAD_LETTER_QUEUE_URL is not set; a queue writer (WRITER_SOURCE=queue) needs"},
		{"http://sqs.eu-west-1.amazonaws.com/222222222222/q", "", "want an https URL"},
		{"arn:aws:sqs:eu-west-1:222222222222:q", "", "want an https URL"},
		{"https://queue.amazonaws.com/222222222222/q", "", `host is "queue.amazonaws.com"; want sqs.<region>.<domain>`},
		{"https://sqs.amazonaws.com/222222222222/q", "", "want sqs.<region>.<domain>"},
		{"https://sqs.eu-west-1.amazonaws.com/2222/q", "", `path is "/2222/q"; want /<12-digit account>/<queue name>`},
		{"https://sqs.eu-west-1.amazonaws.com/222222222222", "", "want /<12-digit account>/<queue name>"},
	}
	for _, tt := range tests {
		got, err := queueRegion(tt.in)
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("queueRegion(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("queueRegion(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.wantErr)
		}
	}
}

func TestNewHandlerReadsTheSource(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		m := map[string]string{"TABLE_ARN": testTableARN}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	h, err := newHandler(env(), newTestHandler(nil, nil).Log)
	if _, ok := h.(*Handler); !ok || err != nil {
		t.Errorf("unset WRITER_SOURCE: %T, %v; want an invoked writer's *Handler", h, err)
	}
	h, err = newHandler(env("WRITER_SOURCE", "queue", "DEAD_LETTER_QUEUE_URL", testDLQ), newTestHandler(nil, nil).Log)
	checkQueueBuild(t, h, err)
	for _, tt := range []struct {
		env     func(string) string
		wantErr string
	}{
		{env("WRITER_SOURCE", "sqs"), `WRITER_SOURCE is "sqs"; want queue (a writer fed by a queue) or unset (an invoked writer)`},
		{env("WRITER_SOURCE", "queue"), "DEAD_LETTER_QUEUE_URL is not set"},
		{env("WRITER_SOURCE", "queue", "DEAD_LETTER_QUEUE_URL", "writer-dlq"), `DEAD_LETTER_QUEUE_URL is "writer-dlq"; want an https URL`},
	} {
		if _, err := newHandler(tt.env, newTestHandler(nil, nil).Log); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("newHandler = %v, want an error containing %q", err, tt.wantErr)
		}
	}
}

// With less than messageMargin left, the messages not yet started are
// listed without being tried: the function answers before Lambda stops it,
// which would fail the whole batch, the messages written included.
func TestQueueListsTheMessagesItHasNoTimeFor(t *testing.T) {
	t.Parallel()
	db := &keyedDB{}
	var log bytes.Buffer
	q := &QueueHandler{Writer: newTestHandler(db, &log), DeadLetters: &fakeDeadLetters{}}
	ctx, cancel := context.WithTimeout(context.Background(), messageMargin/2)
	defer cancel()
	out, err := q.Invoke(ctx, sqsEvent(t, map[string]string{"m1": `{"category":"Q","item":"a"}`, "m2": `{"category":"Q","item":"b"}`}, "m1", "m2"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"batchItemFailures":[{"itemIdentifier":"m1"},{"itemIdentifier":"m2"}]}`; string(out) != want || len(db.puts) != 0 {
		t.Errorf("response = %s with %d puts, want %s and nothing tried", out, len(db.puts), want)
	}
	for _, id := range []string{"m1", "m2"} {
		if r := logRecords(t, log.String())[id]; len(r) != 1 || r[0]["outcome"] != outcomeRetry || r[0]["msg"] != "message not tried; too close to the invocation's deadline" {
			t.Errorf("records of %s = %v, want one saying it was not tried", id, r)
		}
	}
}
