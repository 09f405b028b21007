// Package writerspec is the writer function's contract with what builds,
// deploys, runs and checks it: its main package, runtime and architecture,
// which writers get one, and the names of the environment variables its
// deployment sets. The function, WriterStack, the local harness, the
// benchmarks and verify share this one spelling.
package writerspec

import (
	"fmt"
	"slices"
	"strings"
)

// Entry is the function's main package, relative to the module root.
const Entry = "runtime/writer"

// Runtime and Architecture are the function's Lambda runtime and
// architecture, as WriterStack deploys it and verify expects it.
const (
	Runtime      = "provided.al2023"
	Architecture = "arm64"
)

// PutItem is the one DynamoDB call the function makes.
const PutItem = "dynamodb:PutItem"

// HasFunction reports whether a writer granted actions gets the function:
// only one granted PutItem (IAM actions ignore case), else the function
// could only fail.
func HasFunction(actions []string) bool {
	return slices.ContainsFunc(actions, func(a string) bool { return strings.EqualFold(a, PutItem) })
}

// The environment variables WriterStack sets.
const (
	// TableArn is the full ARN of the table the function writes to.
	TableArn = "TABLE_ARN"
	// Source is set to SourceQueue on a writer that drains a queue; unset,
	// the function is invoked with events.
	Source = "WRITER_SOURCE"
	// DeadLetterQueue is the URL of the dead-letter queue a queue writer
	// moves a message that can never succeed to.
	DeadLetterQueue = "DEAD_LETTER_QUEUE_URL"
)

// SourceQueue is Source's value on a queue writer.
const SourceQueue = "queue"

// QueueBuildTag is the build tag that links the queue mode (its SQS
// client) into the bootstrap: WriterStack builds a queue writer's function
// with it, and an invoked writer's without, so that it pays neither the
// SQS package's init nor its size.
const QueueBuildTag = "queue"

// ParseSource reads Source's value: unset is an invoked writer, SourceQueue
// a queue writer; anything else is an error, so that a typo never turns a
// queue writer into one that reads each SQS event as an item.
func ParseSource(v string) (queue bool, err error) {
	switch v {
	case "":
		return false, nil
	case SourceQueue:
		return true, nil
	}
	return false, fmt.Errorf("%s is %q; want %s (a writer fed by a queue) or unset (an invoked writer)", Source, v, SourceQueue)
}

// SampleItem is the variable that lets an event without keys ({} or only
// "overwrite") write the seed's sample item {category: Fruit, item: Apple}.
// Unset or "false", such an event is refused: a deployed writer must not
// put a sample into the real table. make local sets it to "true".
const SampleItem = "WRITER_SAMPLE_ITEM"

// ParseSampleItem reads SampleItem's value: "" and "false" are false,
// "true" is true; anything else is an error, so that a typo never turns
// the sample on or off unnoticed.
func ParseSampleItem(v string) (bool, error) {
	switch v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, fmt.Errorf("%s is %q; want true or false (unset is false)", SampleItem, v)
}
