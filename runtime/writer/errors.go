package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// The errors an invocation returns. Lambda reports each by its type name
// (errorType) and message (errorMessage) to the invoker and, for
// asynchronous invocations, in the dead-letter queue's message. The
// function's log gets a shorter record without attribute names (see
// Handler.Invoke).

// InvalidEventError reports an event the handler refused; nothing was written.
// Map keys inside an attribute's value are item contents, so the message
// names only the top-level attribute, never the path to the offending value
// inside it.
type InvalidEventError struct {
	// Batch is true when the event is a batch (a JSON array); Element is
	// then the offending element's index, or -1 for the batch as a whole.
	Batch   bool
	Element int
	// Field is the offending top-level attribute or option, empty for the
	// event (or the element) as a whole.
	Field string
	// Rule says what was wrong and what is wanted. It never quotes the
	// event: it goes to the log.
	Rule string
	// whole marks a rule about the whole item (its size), which no
	// attribute is to blame for.
	whole bool
}

func (e *InvalidEventError) Error() string {
	msg := "invalid event: "
	if e.Batch && e.Element >= 0 {
		msg += fmt.Sprintf("[%d]: ", e.Element)
	}
	if e.Field != "" {
		msg += e.Field + ": "
	}
	return msg + e.Rule
}

// ItemExistsError reports that items with the event's keys already exist,
// were not written by this same event (see writeDigest), and the event did
// not ask to overwrite them; nothing was written. It names the keys only:
// which attributes differ would tell an invoker what is stored.
type ItemExistsError struct {
	TableARN string
	// Keys are the keys whose items exist.
	Keys []Key
	// Elements are the Keys' indexes in the batch; nil for a single-item
	// event.
	Elements []int
	// Items is how many items the batch has; 0 for a single-item event.
	Items int
}

func (e *ItemExistsError) Error() string {
	const why = "not written by this same event (the writer compares its digest of what each event sent, never the stored attributes)"
	if e.Elements == nil {
		return fmt.Sprintf("item %s already exists in %s, %s; nothing was written; send %q: true to replace it",
			e.Keys[0], e.TableARN, why, overwriteArg)
	}
	keys := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		keys[i] = fmt.Sprintf("[%d] %s", e.Elements[i], k)
	}
	return fmt.Sprintf("%d of the batch's %d items already exist in %s, %s: %s; nothing of the batch was written; "+
		"send %q: true in those elements to replace them", len(e.Keys), e.Items, e.TableARN, why, strings.Join(keys, ", "), overwriteArg)
}

// WriteError reports a write that failed without writing: every attempt
// was refused by DynamoDB or never reached it.
type WriteError struct {
	TableARN string
	Key      Key
	// Items is the batch's size, 0 for a single-item event; Key is then the
	// batch's first key.
	Items int
	// Cause is the failure's class, such as "connection refused" or
	// "AccessDeniedException".
	Cause string
	// Hint says what to check.
	Hint string
	Err  error
}

func (e *WriteError) Error() string {
	if e.Items > 0 {
		return fmt.Sprintf("write batch of %d items (the first %s) into %s failed (%s): %v; nothing of the batch was written; hint: %s",
			e.Items, e.Key, e.TableARN, e.Cause, e.Err, e.Hint)
	}
	return fmt.Sprintf("put item %s into %s failed (%s): %v; nothing was written; hint: %s",
		e.Key, e.TableARN, e.Cause, e.Err, e.Hint)
}

func (e *WriteError) Unwrap() error { return e.Err }

// OutcomeUnknownError reports a write whose outcome the writer cannot
// know: an attempt may have reached DynamoDB and been applied although its
// reply was lost (a timeout, an HTTP 5xx, a connection reset).
type OutcomeUnknownError struct {
	TableARN string
	Key      Key
	// Items is the batch's size, 0 for a single-item event; Key is then the
	// batch's first key.
	Items int
	// Cause is the failure's class, such as "timeout" or "HTTP 500".
	Cause string
	// Hint says what to check.
	Hint string
	Err  error
}

func (e *OutcomeUnknownError) Error() string {
	if e.Items > 0 {
		return fmt.Sprintf("write batch of %d items (the first %s) into %s failed (%s): %v; the batch may have been written, "+
			"all of it or none (it is one transaction): check its first item with %s; "+
			"sending the same batch again is safe (items already written are reported as such); hint: %s",
			e.Items, e.Key, e.TableARN, e.Cause, e.Err, getItemCommand(e.TableARN, e.Key), e.Hint)
	}
	return fmt.Sprintf("put item %s into %s failed (%s): %v; the item may have been written: check with %s; "+
		"invoking the same event again is safe (an item already written is reported as such); hint: %s",
		e.Key, e.TableARN, e.Cause, e.Err, getItemCommand(e.TableARN, e.Key), e.Hint)
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// getItemCommand is the AWS CLI command that reads the item back, run with
// credentials of the table's account (or of a role its policy allows to
// read).
func getItemCommand(tableARN string, key Key) string {
	region := ""
	if a, err := arn.Parse(tableARN); err == nil {
		region = " --region " + a.Region
	}
	k, _ := json.Marshal(map[string]map[string]string{
		tablespec.PartitionKey: {"S": key.Category},
		tablespec.SortKey:      {"S": key.Item},
	})
	return fmt.Sprintf("aws dynamodb get-item%s --table-name %s --consistent-read --key %s", region, tableARN, shellQuote(string(k)))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
