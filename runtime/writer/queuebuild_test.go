//go:build queue

package main

import (
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
)

// checkQueueBuild: a bootstrap built with the queue tag takes
// WRITER_SOURCE=queue, with the dead-letter queue.
func checkQueueBuild(t *testing.T, h lambda.Handler, err error) {
	t.Helper()
	q, ok := h.(*QueueHandler)
	if !ok || err != nil {
		t.Fatalf("WRITER_SOURCE=queue: %T, %v; want a *QueueHandler", h, err)
	}
	if d, ok := q.DeadLetters.(*sqsDeadLetters); !ok || d.url != testDLQ {
		t.Errorf("dead letters %#v; want the SQS client for %s", q.DeadLetters, testDLQ)
	}
}
