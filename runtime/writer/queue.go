package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// maxErrorMessageBytes bounds the ErrorMessage attribute of a dead-lettered
// message: attributes count towards SQS's message size, and a conflict in a
// batch of 100 long keys names every one of them.
const maxErrorMessageBytes = 4096

// messageMargin is the least time left before the invocation's deadline
// to start writing a message: decoding a large body is not bounded by the
// deadline, and a function stopped by Lambda at it fails the whole batch,
// the messages already written included. A message not started is listed,
// so that SQS delivers it again.
const messageMargin = time.Second

// The outcomes of a message, in its log record's "outcome".
const (
	// outcomeWritten: the message's items are stored (or were already);
	// not listed, so SQS deletes it.
	outcomeWritten = "written"
	// outcomeDeadLettered: the message can never succeed and was sent to
	// the dead-letter queue with its reason; not listed, so SQS deletes it.
	outcomeDeadLettered = "deadLettered"
	// outcomeRetry: listed in batchItemFailures, so SQS delivers it again
	// (and its redrive policy moves it to the dead-letter queue after
	// maxReceiveCount receives).
	outcomeRetry = "retry"
)

// DeadLetters is what the queue handler calls to move a message that can
// never succeed to the dead-letter queue: Send puts body there with the
// attributes ErrorCode and ErrorMessage, and returns the new message's ID.
// Its SQS implementation is linked only into a queue writer's build (build
// tag writerspec.QueueBuildTag), so that an invoked writer's binary carries
// no SQS client.
type DeadLetters interface {
	Send(ctx context.Context, body, errorCode, errorMessage string) (messageID string, err error)
}

// QueueHandler is the function of a writer fed by a queue
// (writerspec.SourceQueue): it takes the SQS events of Lambda's event
// source mapping and answers with the messages SQS is to deliver again
// (ReportBatchItemFailures). Each message's body is one event, written by
// Writer's single-item or batch path as an invocation with that payload
// would be.
type QueueHandler struct {
	// Writer writes each message's event, with its client, table and
	// clock.
	Writer *Handler
	// DeadLetters sends to the dead-letter queue, in the queue's region.
	DeadLetters DeadLetters
}

// Invoke handles one SQS event and logs one record per message. The
// messages are written one after another, in the event's order: together
// they may hold Lambda's 6 MB payload limit, and decoding them all at once
// would hold as much as the largest batches do (about 100 MB of the
// function's 128 MB, BENCHMARKS.md section 6), on top of the event. A payload that is not an SQS event fails
// the invocation with an InvalidEventError (Lambda then delivers the whole
// batch again).
func (q *QueueHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	log := q.Writer.invocationLog(ctx)
	var ev events.SQSEvent
	if err := json.Unmarshal(payload, &ev); err != nil || len(ev.Records) == 0 {
		err := &InvalidEventError{Rule: `not an SQS event; a queue writer takes the {"Records": [...]} events of its event source mapping`}
		log.Warn("event rejected", "errorType", "InvalidEventError", "rule", err.Rule)
		return nil, err
	}
	for i := range ev.Records {
		if ev.Records[i].MessageId == "" {
			err := &InvalidEventError{Field: "Records", Rule: "a record without a messageId; each message is listed by its ID when it fails"}
			log.Warn("event rejected", "errorType", "InvalidEventError", "rule", err.Rule)
			return nil, err
		}
	}
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	deadline, hasDeadline := ctx.Deadline()
	for i := range ev.Records {
		m := &ev.Records[i]
		mlog := log.With("messageId", m.MessageId)
		if hasDeadline && time.Until(deadline) < messageMargin {
			mlog.Warn("message not tried; too close to the invocation's deadline", "outcome", outcomeRetry)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		if q.handle(ctx, mlog, m) == outcomeRetry {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return json.Marshal(resp)
}

// handle writes one message's event, moves it to the dead-letter queue if
// it can never succeed, logs its one record (the write's, as an invocation
// logs it, with the message's ID and outcome) and returns the outcome.
func (q *QueueHandler) handle(ctx context.Context, log *slog.Logger, m *events.SQSMessage) string {
	body := []byte(m.Body)
	var record func(*slog.Logger)
	var err error
	if isBatch(body) {
		var resps []Response
		resps, err = q.Writer.writeBatch(ctx, body)
		record = func(l *slog.Logger) { q.Writer.logBatch(l, resps, err) }
	} else {
		var resp *Response
		resp, err = q.Writer.write(ctx, body)
		record = func(l *slog.Logger) { q.Writer.logItem(l, resp, err) }
	}
	code, never := neverSucceeds(err)
	switch {
	case err == nil:
		record(log.With("outcome", outcomeWritten))
		return outcomeWritten
	case never:
		id, dlqErr := q.deadLetter(ctx, m.Body, code, err)
		if dlqErr != nil {
			record(log.With("outcome", outcomeRetry, "deadLetterError", dlqErr.Error()))
			return outcomeRetry
		}
		record(log.With("outcome", outcomeDeadLettered, "deadLetterMessageId", id))
		return outcomeDeadLettered
	default:
		record(log.With("outcome", outcomeRetry))
		return outcomeRetry
	}
}

// neverSucceeds reports whether err is one that delivering the message
// again cannot change, and its type's name: an invalid event, or a key
// that holds another item.
func neverSucceeds(err error) (errorType string, never bool) {
	var (
		invalid *InvalidEventError
		exists  *ItemExistsError
	)
	switch {
	case errors.As(err, &invalid):
		return "InvalidEventError", true
	case errors.As(err, &exists):
		return "ItemExistsError", true
	}
	return "", false
}

// deadLetter sends body to the dead-letter queue with the error's type and
// message as the attributes ErrorCode and ErrorMessage, as Lambda names
// them for failed asynchronous invocations, and returns the new message's
// ID.
func (q *QueueHandler) deadLetter(ctx context.Context, body, errorType string, err error) (string, error) {
	callCtx, cancel := beforeDeadline(ctx)
	defer cancel()
	return q.DeadLetters.Send(callCtx, body, errorType, errorMessage(err))
}

// errorMessage is err's message for the ErrorMessage attribute, cut to
// maxErrorMessageBytes.
func errorMessage(err error) string {
	msg := err.Error()
	if len(msg) <= maxErrorMessageBytes {
		return msg
	}
	return strings.ToValidUTF8(msg[:maxErrorMessageBytes-len("...")], "") + "..."
}
