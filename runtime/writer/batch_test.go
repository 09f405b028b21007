package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

const threeItems = `[{"category":"B","item":"1","n":1},{"category":"B","item":"2","overwrite":true},{"category":"B","item":"3","time":"t3"}]`

// cancelled is DynamoDB's answer to a cancelled transaction, one reason
// per put.
func cancelled(reasons ...types.CancellationReason) error {
	return apiError(400, &types.TransactionCanceledException{CancellationReasons: reasons})
}

func passed() types.CancellationReason { return types.CancellationReason{Code: aws.String("None")} }

func conditionFailed(item map[string]types.AttributeValue) types.CancellationReason {
	return types.CancellationReason{Code: aws.String("ConditionalCheckFailed"), Item: item}
}

// firstBatch returns the items the handler puts for payload: what an
// earlier invocation of the batch stored.
func firstBatch(t *testing.T, payload string) []map[string]types.AttributeValue {
	t.Helper()
	db := &fakeDB{}
	if _, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(payload)); err != nil {
		t.Fatalf("first write: %v", err)
	}
	var items []map[string]types.AttributeValue
	for _, w := range db.transacts[0].TransactItems {
		items = append(items, w.Put.Item)
	}
	return items
}

func TestBatchIsOneTransactionOfConditionalPuts(t *testing.T) {
	t.Parallel()
	db := &fakeDB{}
	out, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(threeItems))
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	if len(db.transacts) != 1 || len(db.calls) != 0 {
		t.Fatalf("%d TransactWriteItems and %d PutItem calls, want one transaction", len(db.transacts), len(db.calls))
	}
	in := db.transacts[0]
	if in.ClientRequestToken == nil || len(*in.ClientRequestToken) != 32 {
		t.Errorf("ClientRequestToken = %v, want a random token", in.ClientRequestToken)
	}
	for i, w := range in.TransactItems {
		p := w.Put
		if p == nil || *p.TableName != testTableARN {
			t.Fatalf("item %d is not a put into the table ARN: %+v", i, w)
		}
		want := "attribute_not_exists(#pk)"
		if i == 1 { // overwrite: any item but this same write
			want = "attribute_not_exists(#d) OR #d <> :d"
		}
		if p.ConditionExpression == nil || *p.ConditionExpression != want || p.ReturnValuesOnConditionCheckFailure != types.ReturnValuesOnConditionCheckFailureAllOld {
			t.Errorf("put %d: condition %v, %q; want %q with ALL_OLD", i, p.ConditionExpression, p.ReturnValuesOnConditionCheckFailure, want)
		}
		if _, ok := p.Item[overwriteArg]; ok {
			t.Errorf("put %d stores the overwrite option", i)
		}
		if storedDigest(p.Item) == "" {
			t.Errorf("put %d has no digest", i)
		}
	}
	var resps []Response
	if err := json.Unmarshal(out, &resps); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	want := []Response{
		{TableARN: testTableARN, Key: Key{"B", "1"}, Time: "2025-03-04T04:06:07Z"},
		{TableARN: testTableARN, Key: Key{"B", "2"}, Time: "2025-03-04T04:06:07Z", Overwrite: true},
		{TableARN: testTableARN, Key: Key{"B", "3"}, Time: "t3"},
	}
	if fmt.Sprint(resps) != fmt.Sprint(want) {
		t.Errorf("responses = %+v, want %+v", resps, want)
	}
}

func TestBatchRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	elem := func(i int) string { return fmt.Sprintf(`{"category":"B","item":"%d"}`, i) }
	many := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = elem(i)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	// 11 items of 390 KB are over 4 MB; each is under 400 KB.
	var big []string
	for i := range 11 {
		big = append(big, fmt.Sprintf(`{"category":"B","item":"%d","data":"%s"}`, i, strings.Repeat("x", 390*1024)))
	}
	tests := []struct{ name, payload, want string }{
		{"empty", `[]`, "invalid event: an empty batch; want 1 to 100 items"},
		{"101 elements", many(101), "invalid event: more than 100 elements; a transaction writes at most 100 items"},
		{"same key twice", `[` + elem(0) + `,` + elem(1) + `,` + elem(0) + `]`, "invalid event: [2]: same key as element [0]; a transaction writes each item once"},
		{"element without its key", `[` + elem(0) + `,{"category":"B"}]`, "invalid event: [1]: item: missing; want a non-empty string"},
		{"element not an object", `[` + elem(0) + `,0]`, "invalid event: [1]: got a number, want a JSON object"},
		{"duplicate name in an element", `[{"category":"B","item":"1","item":"2"}]`, "invalid event: [0]: item: given more than once"},
		{"invalid UTF-8 in an element's name", "[{\"category\":\"B\",\"item\":\"1\",\"n\xff\":1}]", "invalid event: [0]: an attribute name at byte"},
		{"element over 400 KB", `[` + elem(0) + `,{"category":"B","item":"1","d":"` + strings.Repeat("x", 401*1024) + `"}]`, "invalid event: [1]: item is over DynamoDB's limit of 409600 bytes (400 KB)"},
		{"batch over 4 MB", "[" + strings.Join(big, ",") + "]", "invalid event: [10]: the batch's items are over DynamoDB's limit of 4194304 bytes (4 MB)"},
		{"not JSON", `[{"category":"B","item":"1"},`, "invalid event: [1]: not valid JSON"},
		{"trailing data", `[` + elem(0) + `] {}`, "invalid event: trailing data after the JSON array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := &fakeDB{}
			_, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(tt.payload))
			var invalid *InvalidEventError
			if !errors.As(err, &invalid) || !invalid.Batch || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %.300v, want an InvalidEventError starting %q", err, tt.want)
			}
			if len(db.transacts)+len(db.calls) != 0 {
				t.Errorf("DynamoDB was called for a refused batch")
			}
		})
	}
	db := &fakeDB{}
	if _, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(many(100))); err != nil || len(db.transacts[0].TransactItems) != 100 {
		t.Errorf("100 elements: err = %v, want one transaction of 100 puts", err)
	}
}

// The same batch again after it was applied (a lost reply, Lambda's retry):
// every put fails its condition on an item with this batch's digest.
func TestBatchSentAgainIsAlreadyWritten(t *testing.T) {
	t.Parallel()
	items := firstBatch(t, threeItems)
	db := &fakeDB{transactErr: []error{cancelled(conditionFailed(items[0]), passed(), conditionFailed(items[2]))}}
	h := newTestHandler(db, nil)
	h.Now = func() time.Time { return testNow.Add(time.Hour) } // another stamp
	out, err := h.Invoke(context.Background(), []byte(threeItems))
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var resps []Response
	_ = json.Unmarshal(out, &resps)
	if len(resps) != 3 || !resps[0].AlreadyWritten || resps[0].Time != "2025-03-04T04:06:07Z" || resps[1].AlreadyWritten || !resps[2].AlreadyWritten {
		t.Errorf("responses = %+v, want elements 0 and 2 already written with their stored time", resps)
	}
	// Element 1 passed (its content changed since, say), but the cancelled
	// transaction wrote nothing: it is sent again on its own.
	if len(db.transacts) != 2 || len(db.transacts[1].TransactItems) != 1 || *db.transacts[1].TransactItems[0].Put.Item["item"].(*types.AttributeValueMemberS) != (types.AttributeValueMemberS{Value: "2"}) {
		t.Fatalf("transactions = %d, want a second one with element 1 only", len(db.transacts))
	}
	if *db.transacts[0].ClientRequestToken == *db.transacts[1].ClientRequestToken {
		t.Error("the second transaction reuses the first one's token")
	}
}

func TestBatchConflictNamesEveryConflictingKeyAndWritesNothing(t *testing.T) {
	t.Parallel()
	other := firstBatch(t, `[{"category":"B","item":"1","n":2},{"category":"B","item":"2"},{"category":"B","item":"3","time":"t3","secret":"s3cr3t"}]`)
	db := &fakeDB{transactErr: []error{cancelled(conditionFailed(other[0]), passed(), conditionFailed(other[2]))}}
	var logs bytes.Buffer
	_, err := newTestHandler(db, &logs).Invoke(context.Background(), []byte(threeItems))
	var exists *ItemExistsError
	if !errors.As(err, &exists) || fmt.Sprint(exists.Elements) != "[0 2]" {
		t.Fatalf("err = %v, want an ItemExistsError for elements 0 and 2", err)
	}
	for _, want := range []string{`2 of the batch's 3 items already exist in ` + testTableARN, `[0] category="B" item="1", [2] category="B" item="3"`, "nothing of the batch was written"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if strings.Contains(err.Error()+logs.String(), "secret") || strings.Contains(err.Error()+logs.String(), "s3cr3t") {
		t.Errorf("the error or the log names a stored attribute: %v\n%s", err, logs.String())
	}
	if len(db.transacts) != 1 {
		t.Errorf("%d transactions, want 1: a conflict is not retried", len(db.transacts))
	}
	if !strings.Contains(logs.String(), `"conflicts":2`) || !strings.Contains(logs.String(), `"keys":[{"category":"B","item":"1"},{"category":"B","item":"3"}]`) {
		t.Errorf("log record does not give the conflicts' count and keys:\n%s", logs.String())
	}
}

func TestBatchFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		err           error
		wantType      string
		wantCause     string
		wantInMessage string
	}{
		{"transaction conflict", cancelled(passed(), types.CancellationReason{Code: aws.String("TransactionConflict")}, passed()),
			"WriteError", "TransactionConflict", "another transaction or write was changing one of these items"},
		{"transaction in progress", apiError(400, &types.TransactionInProgressException{}), "WriteError", "TransactionInProgressException", "another transaction or write"},
		{"idempotent parameter mismatch", apiError(400, &types.IdempotentParameterMismatchException{}), "WriteError", "IdempotentParameterMismatchException", "ClientRequestToken in the last 10 minutes"},
		{"validation in a put", cancelled(types.CancellationReason{Code: aws.String("ValidationError")}, passed(), passed()), "WriteError", "ValidationError", "rejected an item of the batch"},
		{"server error", apiError(500, &smithy.GenericAPIError{Code: "InternalServerError"}), "OutcomeUnknownError", "InternalServerError", "sending the same batch again is safe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := &fakeDB{transactErr: []error{tt.err}}
			var logs bytes.Buffer
			_, err := newTestHandler(db, &logs).Invoke(context.Background(), []byte(threeItems))
			var failed *WriteError
			var unknown *OutcomeUnknownError
			cause := ""
			switch {
			case errors.As(err, &failed) && tt.wantType == "WriteError":
				cause = failed.Cause
			case errors.As(err, &unknown) && tt.wantType == "OutcomeUnknownError":
				cause = unknown.Cause
			default:
				t.Fatalf("err = %v (%T), want a %s", err, err, tt.wantType)
			}
			if cause != tt.wantCause || !strings.Contains(err.Error(), tt.wantInMessage) || !strings.Contains(err.Error(), "write batch of 3 items") {
				t.Errorf("err = %v (cause %q), want cause %q and %q", err, cause, tt.wantCause, tt.wantInMessage)
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), `"items":3`) {
				t.Errorf("log = %s, want one record with the item count", logs.String())
			}
		})
	}
}

// TransactionConflict cancels the whole transaction without writing: the
// SDK retries it within the deadline. A failed condition is never retried.
func TestTransactionConflictIsRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want aws.Ternary
	}{
		{cancelled(passed(), types.CancellationReason{Code: aws.String("TransactionConflict")}), aws.TrueTernary},
		{cancelled(conditionFailed(nil), types.CancellationReason{Code: aws.String("TransactionConflict")}), aws.UnknownTernary},
		{cancelled(conditionFailed(nil)), aws.UnknownTernary},
		{apiError(400, &types.ConditionalCheckFailedException{}), aws.UnknownTernary},
	}
	for i, tt := range tests {
		if got := transactionConflict(tt.err); got != tt.want {
			t.Errorf("case %d: transactionConflict = %v, want %v", i, got, tt.want)
		}
	}
	if !newRetryer().IsErrorRetryable(tests[0].err) {
		t.Error("the client's retryer does not retry a transaction conflict")
	}
}
