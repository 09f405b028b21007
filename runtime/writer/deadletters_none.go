//go:build !queue

package main

import (
	"fmt"

	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// newDeadLetters refuses the queue mode in a bootstrap built without it:
// an invoked writer links no SQS client (see deadletters_sqs.go).
func newDeadLetters(_, _ string, _ func(string) string) (DeadLetters, error) {
	return nil, fmt.Errorf("WRITER_SOURCE is queue, but this bootstrap was built without the queue mode; build it with -tags %s (WriterStack does for a queue writer)", writerspec.QueueBuildTag)
}
