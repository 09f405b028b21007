package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// writeBatch writes a batch's items in one TransactWriteItems: all of them
// or none. Each put is conditional (event.condition: its key free, or with
// "overwrite": true any item but this same write) and returns the stored
// item when its condition fails (ReturnValuesOnConditionCheckFailure per
// put). When the transaction is
// cancelled by those conditions only, each stored item's digest says
// whether it is this batch's own earlier write (already written) or another
// one (a conflict, which cancels the whole batch). Without a conflict, the
// puts not yet written are sent again as a new transaction, so that a
// batch resent after a lost reply, or after some of its items were written
// on their own, completes and reports each item as it is.
//
// One ClientRequestToken per transaction, kept by the SDK's retries of it,
// lets DynamoDB answer a retry of an applied transaction with success
// instead of applying it twice. It is never derived from the event: the
// same batch invoked again stamps another time on items without one, which
// under the same token within DynamoDB's 10-minute window would be refused
// with IdempotentParameterMismatch. A new invocation sends a new token, and
// the conditions and digests, which have no window, decide.
func (h *Handler) writeBatch(ctx context.Context, payload []byte) ([]Response, error) {
	events, err := parseBatch(payload, h.SampleItem)
	if err != nil {
		return nil, err
	}
	now := h.Now().UTC().Format(time.RFC3339)
	total := 0
	resps := make([]Response, len(events))
	for i, ev := range events {
		if err := ev.prepare(now); err != nil {
			return nil, inBatch(i, err)
		}
		total += itemSize(ev.item)
		resps[i] = Response{TableARN: h.TableARN, Key: ev.key, Time: timeOf(ev.item), Overwrite: ev.overwrite}
	}
	if total > maxTransactionBytes {
		return nil, inBatch(-1, &InvalidEventError{Rule: fmt.Sprintf("the batch's items are %d bytes with the times and the writer's digests, over DynamoDB's limit of %d bytes (4 MB) for one transaction", total, maxTransactionBytes)})
	}

	callCtx, cancel := beforeDeadline(ctx)
	defer cancel()
	pending := make([]int, len(events))
	for i := range pending {
		pending[i] = i
	}
	for len(pending) > 0 {
		var tried attempts
		_, err := h.DB.TransactWriteItems(callCtx, h.transaction(events, pending), tried.option)
		if err == nil {
			return resps, nil
		}
		reasons, ok := conditionFailures(err, len(pending))
		if !ok {
			return nil, h.batchFailure(events, tried, err)
		}
		var conflicts []int
		var next []int
		for j, r := range reasons {
			i := pending[j]
			switch {
			case r == nil:
				next = append(next, i)
			case storedDigest(r.Item) == events[i].digest:
				resps[i].Time, resps[i].AlreadyWritten = timeOf(r.Item), true
			default:
				conflicts = append(conflicts, i)
			}
		}
		if len(conflicts) > 0 {
			e := &ItemExistsError{TableARN: h.TableARN, Elements: conflicts, Items: len(events)}
			for _, i := range conflicts {
				e.Keys = append(e.Keys, events[i].key)
			}
			return nil, e
		}
		pending = next
	}
	return resps, nil
}

// transaction is the TransactWriteItems of the events at the indexes
// pending, with a new ClientRequestToken.
func (h *Handler) transaction(events []*event, pending []int) *dynamodb.TransactWriteItemsInput {
	items := make([]types.TransactWriteItem, len(pending))
	for j, i := range pending {
		put := &types.Put{TableName: &h.TableARN, Item: events[i].item,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
		put.ConditionExpression, put.ExpressionAttributeNames, put.ExpressionAttributeValues = events[i].condition()
		items[j] = types.TransactWriteItem{Put: put}
	}
	token := requestToken()
	return &dynamodb.TransactWriteItemsInput{TransactItems: items, ClientRequestToken: &token}
}

// requestToken is a random ClientRequestToken (at most 36 characters).
func requestToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// conditionFailures returns, for a transaction cancelled by its conditions
// only, each put's failed condition (its reason, with the stored item) or
// nil for a put that passed. ok is false for any other error, including a
// cancellation for another reason (a conflict with another transaction,
// throttling, validation), in which nothing was written either.
func conditionFailures(err error, n int) (reasons []*types.CancellationReason, ok bool) {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != n {
		return nil, false
	}
	reasons = make([]*types.CancellationReason, n)
	failed := false
	for j := range tce.CancellationReasons {
		r := &tce.CancellationReasons[j]
		switch code := reasonCode(r); code {
		case "None":
		case "ConditionalCheckFailed":
			reasons[j], failed = r, true
		default:
			return nil, false
		}
	}
	return reasons, failed
}

// reasonCode is a cancellation reason's code, "None" when it has none.
func reasonCode(r *types.CancellationReason) string {
	if r.Code == nil || *r.Code == "" {
		return "None"
	}
	return *r.Code
}

// batchFailure is the error for a transaction that failed for another
// reason than its conditions: nothing written when every attempt was
// refused or never sent, otherwise unknown.
func (h *Handler) batchFailure(events []*event, tried attempts, err error) error {
	cause, hint := classify(tried.lastError(err))
	first := events[0].key
	if tried.mayHaveApplied {
		return &OutcomeUnknownError{TableARN: h.TableARN, Key: first, Items: len(events), Cause: cause, Hint: hint, Err: err}
	}
	return &WriteError{TableARN: h.TableARN, Key: first, Items: len(events), Cause: cause, Hint: hint, Err: err}
}
