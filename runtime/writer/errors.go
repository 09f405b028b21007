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
	// Field is the offending top-level attribute or option, empty for the
	// event as a whole.
	Field string
	// Rule says what was wrong and what is wanted. It never quotes the
	// event: it goes to the log.
	Rule string
}

func (e *InvalidEventError) Error() string {
	if e.Field == "" {
		return "invalid event: " + e.Rule
	}
	return fmt.Sprintf("invalid event: %s: %s", e.Field, e.Rule)
}

// ItemExistsError reports that an item with the event's key and other
// content already exists and the event did not ask to overwrite it; nothing
// was written.
type ItemExistsError struct {
	TableARN string
	Key      Key
	// Differs names the top-level attributes in which the stored item and
	// the event differ (see differingAttributes); nil when DynamoDB did not
	// return the stored item.
	Differs []string
}

func (e *ItemExistsError) Error() string {
	what := "DynamoDB did not return the stored item to compare with"
	if len(e.Differs) > 0 {
		names := make([]string, len(e.Differs))
		for i, n := range e.Differs {
			names[i] = truncate(n)
		}
		what = "attributes that differ: " + strings.Join(names, ", ")
	}
	return fmt.Sprintf("item %s already exists in %s with other content (%s); nothing was written; send %q: true to replace it",
		e.Key, e.TableARN, what, overwriteArg)
}

// WriteError reports a PutItem that failed without writing: every attempt
// was refused by DynamoDB or never reached it.
type WriteError struct {
	TableARN string
	Key      Key
	// Cause is the failure's class, such as "connection refused" or
	// "AccessDeniedException".
	Cause string
	// Hint says what to check.
	Hint string
	Err  error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("put item %s into %s failed (%s): %v; nothing was written; hint: %s",
		e.Key, e.TableARN, e.Cause, e.Err, e.Hint)
}

func (e *WriteError) Unwrap() error { return e.Err }

// OutcomeUnknownError reports a PutItem whose outcome the writer cannot
// know: an attempt may have reached DynamoDB and been applied although its
// reply was lost (a timeout, an HTTP 5xx, a connection reset).
type OutcomeUnknownError struct {
	TableARN string
	Key      Key
	// Cause is the failure's class, such as "timeout" or "HTTP 500".
	Cause string
	// Hint says what to check.
	Hint string
	Err  error
}

func (e *OutcomeUnknownError) Error() string {
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
