package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
	"regexp"
	"strings"
)

// The sources a writer's function is fed from (Writer.Source).
const (
	// SourceInvoke: producers invoke the function, one event per call.
	SourceInvoke = "invoke"
	// SourceQueue: producers send to an SQS queue in the writer's stack,
	// and Lambda's event source mapping drains it in batches.
	SourceQueue = "queue"
)

// DefaultQueue are the settings of a queue writer that sets none: batches
// of 10 (SQS's most per receive), no batching window (a message is written
// as soon as it is received), at most 5 concurrent batches (the table and
// the account's Lambda concurrency are shared), and a message received 5
// times without success is dead-lettered (AWS's advice for Lambda sources:
// at least 5, so that a throttled batch is not dead-lettered).
var DefaultQueue = Queue{BatchSize: 10, MaxBatchingWindowSeconds: 0, MaxConcurrency: 5, MaxReceiveCount: 5}

// Queue is how a queue writer's event source mapping drains its queue, and
// when SQS gives up on a message.
type Queue struct {
	// BatchSize is the most messages one invocation gets: 1 to 10000;
	// above 10, MaxBatchingWindowSeconds must be at least 1 (Lambda's
	// rule). Default 10.
	BatchSize int `json:"batchSize"`
	// MaxBatchingWindowSeconds is how long Lambda gathers messages before
	// it invokes with fewer than BatchSize: 0 to 300. Default 0.
	MaxBatchingWindowSeconds int `json:"maxBatchingWindowSeconds"`
	// MaxConcurrency is the most invocations the mapping runs at once: 2
	// to 1000 (Lambda's range). Default 5.
	MaxConcurrency int `json:"maxConcurrency"`
	// MaxReceiveCount is how many times SQS delivers a message before it
	// moves it to the dead-letter queue (the redrive policy): 1 to 1000.
	// Default 5.
	MaxReceiveCount int `json:"maxReceiveCount"`
}

// queueFields are the fields of a writer's "queue" object, for messages.
const queueFields = "batchSize, maxBatchingWindowSeconds, maxConcurrency, maxReceiveCount"

// UnmarshalJSON reads a "queue" object over DefaultQueue, so that a field
// left out keeps its default and an explicit 0 is kept for the rules to
// judge. Unknown fields are errors.
func (q *Queue) UnmarshalJSON(b []byte) error {
	type plain Queue // without this method
	v := plain(DefaultQueue)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return queueFieldError{fmt.Sprintf("queue.%s: got %s, want %s", typeErr.Field, typeErr.Value, typeErr.Type)}
		}
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return queueFieldError{fmt.Sprintf("queue: unknown field %s; known fields: %s", field, queueFields)}
		}
		return queueFieldError{"queue: " + err.Error()}
	}
	*q = Queue(v)
	return nil
}

// queueFieldError is a problem in a writer's "queue" object, worded in
// full.
type queueFieldError struct{ msg string }

func (e queueFieldError) Error() string { return e.msg }

// HasFunction reports whether the writer's stack deploys the writer
// function (writerspec.HasFunction).
func (w Writer) HasFunction() bool { return writerspec.HasFunction(w.Actions) }

// QueueName is the physical name of a queue writer's queue: fixed, so that
// its ARN is known from the configuration (the access check matches the
// function's event source mapping against it) and producers can find it.
func (w Writer) QueueName() string { return w.RoleName + "-queue" }

// queueNameRule is SQS's rule for a standard queue's name.
var queueNameRule = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// checkSource checks a writer's source and its queue settings.
func checkSource(key string, w Writer, add func(key, format string, args ...any)) {
	switch w.Source {
	case SourceInvoke:
		if w.Queue != nil {
			add(key+".queue", "set, but source is %q; queue settings apply to \"source\": %q only", w.Source, SourceQueue)
		}
		return
	case SourceQueue:
	default:
		add(key+".source", "got %q, want %q (the default) or %q", w.Source, SourceInvoke, SourceQueue)
		return
	}
	if !w.HasFunction() {
		add(key+".source", "got %q, but actions lack %s: without it the stack has no function to drain the queue", w.Source, writerspec.PutItem)
	}
	if !queueNameRule.MatchString(w.QueueName()) {
		add(key+".roleName", "got %q: a queue writer's queue is named <roleName>-queue, and SQS names allow only A-Z a-z 0-9 _ -; want a role name of those only", w.RoleName)
	}
	q := w.Queue
	if q == nil {
		return // applyDefaults sets it; nil only before defaults
	}
	qkey := key + ".queue"
	switch {
	case q.BatchSize < 1 || q.BatchSize > 10000:
		add(qkey+".batchSize", "got %d, want 1 to 10000", q.BatchSize)
	case q.BatchSize > 10 && q.MaxBatchingWindowSeconds < 1:
		add(qkey+".batchSize", "got %d with maxBatchingWindowSeconds %d; above 10, Lambda needs maxBatchingWindowSeconds of at least 1", q.BatchSize, q.MaxBatchingWindowSeconds)
	}
	if q.MaxBatchingWindowSeconds < 0 || q.MaxBatchingWindowSeconds > 300 {
		add(qkey+".maxBatchingWindowSeconds", "got %d, want 0 to 300", q.MaxBatchingWindowSeconds)
	}
	if q.MaxConcurrency < 2 || q.MaxConcurrency > 1000 {
		add(qkey+".maxConcurrency", "got %d, want 2 to 1000 (Lambda's range for an SQS event source)", q.MaxConcurrency)
	}
	if q.MaxReceiveCount < 1 || q.MaxReceiveCount > 1000 {
		add(qkey+".maxReceiveCount", "got %d, want 1 to 1000", q.MaxReceiveCount)
	}
}
