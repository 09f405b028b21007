package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// putItemMargin is how long before the invocation's deadline PutItem gives
// up. At the deadline Lambda stops the function and the invoker sees only
// "Task timed out"; stopping the call earlier leaves time to return the
// error with its hint. With less than four margins left, a quarter of what
// is left is kept instead, so that a short timeout still gives the call most
// of its time.
const putItemMargin = 500 * time.Millisecond

// DynamoDB is what the handler calls: PutItem for one item,
// TransactWriteItems for a batch.
type DynamoDB interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Handler writes the item of each invocation's event into one table.
type Handler struct {
	// DB is the DynamoDB client, built in the table's region.
	DB DynamoDB
	// TableARN is the full table ARN, passed as TableName so that the call
	// reaches the table's account rather than the function's.
	TableARN string
	// Log receives one JSON record per invocation.
	Log *slog.Logger
	// Now gives the time stamped on items without one.
	Now func() time.Time
	// SampleItem lets an event without keys write the seed's sample item
	// (writerspec.SampleItem); false refuses it.
	SampleItem bool
}

// Key is the primary key of a written item. In JSON its fields are named
// after the table's keys (package tablespec).
type Key struct {
	Category string
	Item     string
}

// MarshalJSON writes the key as {"<partition key>": ..., "<sort key>": ...}.
func (k Key) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(tablespec.PartitionKey)+len(tablespec.SortKey)+len(k.Category)+len(k.Item)+16)
	b = append(b, '{')
	b, err := jsontext.AppendQuote(b, tablespec.PartitionKey)
	if err != nil {
		return nil, err
	}
	b = append(b, ':')
	if b, err = jsontext.AppendQuote(b, k.Category); err != nil {
		return nil, err
	}
	b = append(b, ',')
	if b, err = jsontext.AppendQuote(b, tablespec.SortKey); err != nil {
		return nil, err
	}
	b = append(b, ':')
	if b, err = jsontext.AppendQuote(b, k.Item); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (k *Key) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	k.Category, k.Item = m[tablespec.PartitionKey], m[tablespec.SortKey]
	return nil
}

// String names the key for messages: category="Fruit" item="Apple".
func (k Key) String() string {
	return fmt.Sprintf("%s=%q %s=%q", tablespec.PartitionKey, k.Category, tablespec.SortKey, k.Item)
}

// Response says what an invocation wrote.
type Response struct {
	TableARN string `json:"tableArn"`
	Key      Key    `json:"key"`
	// Time is the stored item's time.
	Time      string `json:"time"`
	Overwrite bool   `json:"overwrite"`
	// AlreadyWritten is true when the item was there already, from an
	// earlier attempt of the same write (see writeDigest): nothing was
	// changed.
	AlreadyWritten bool `json:"alreadyWritten"`
}

// Invoke handles one invocation and logs one record for it. It implements
// lambda.Handler so that an empty payload (an invoke without one) reads as
// {}. The record holds the table, the key, the outcome and, for a failure,
// the error's type and its cause or rule: never another attribute's name or
// value (the returned error may name attributes; main keeps aws-lambda-go
// from logging it again).
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	log := h.invocationLog(ctx)
	if isBatch(payload) {
		resps, err := h.writeBatch(ctx, payload)
		h.logBatch(log, resps, err)
		if err != nil {
			return nil, err
		}
		return json.Marshal(resps)
	}
	resp, err := h.write(ctx, payload)
	h.logItem(log, resp, err)
	if err != nil {
		return nil, err
	}
	return json.Marshal(resp)
}

// invocationLog is Log with the invocation's request ID, when ctx has one.
func (h *Handler) invocationLog(ctx context.Context) *slog.Logger {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return h.Log.With("requestId", lc.AwsRequestID)
	}
	return h.Log
}

// logItem writes the one record of a single-item write: the table, the
// key, the outcome and, for a failure, the error's type and its cause or
// rule.
func (h *Handler) logItem(log *slog.Logger, resp *Response, err error) {
	var (
		invalid *InvalidEventError
		exists  *ItemExistsError
		failed  *WriteError
		unknown *OutcomeUnknownError
	)
	switch {
	case err == nil && resp.AlreadyWritten:
		log.Info("item already written", "table", resp.TableARN, "category", resp.Key.Category, "item", resp.Key.Item, "overwrite", resp.Overwrite)
	case err == nil:
		log.Info("item written", "table", resp.TableARN, "category", resp.Key.Category, "item", resp.Key.Item, "overwrite", resp.Overwrite)
	case errors.As(err, &invalid):
		log.Warn("event rejected", "errorType", "InvalidEventError", "rule", invalid.Rule)
	case errors.As(err, &exists):
		log.Warn("item exists with other content", "errorType", "ItemExistsError", "table", h.TableARN,
			"category", exists.Keys[0].Category, "item", exists.Keys[0].Item)
	case errors.As(err, &failed):
		log.Error("put item failed; nothing was written", "errorType", "WriteError", "table", h.TableARN,
			"category", failed.Key.Category, "item", failed.Key.Item, "cause", failed.Cause)
	case errors.As(err, &unknown):
		log.Error("put item failed; the item may have been written", "errorType", "OutcomeUnknownError", "table", h.TableARN,
			"category", unknown.Key.Category, "item", unknown.Key.Item, "cause", unknown.Cause)
	default:
		log.Error("invocation failed", "errorType", fmt.Sprintf("%T", err))
	}
}

// write puts the event's item. The put is conditional (see condition);
// when its condition fails, DynamoDB returns the stored item (ReturnValuesOnConditionCheckFailure, no read permission
// needed), and an item whose digest is this write's (see writeDigest) is an
// earlier attempt of it: an SDK retry after a lost reply, or the same event
// invoked again. That is a success, never a conflict. Nothing else of the
// stored item is looked at.
func (h *Handler) write(ctx context.Context, payload []byte) (*Response, error) {
	ev, err := parseEvent(payload, h.SampleItem)
	if err != nil {
		return nil, err
	}
	if err := ev.prepare(h.Now().UTC().Format(time.RFC3339)); err != nil {
		return nil, err
	}
	in := &dynamodb.PutItemInput{TableName: &h.TableARN, Item: ev.item,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
	in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues = ev.condition()
	putCtx, cancel := beforeDeadline(ctx)
	defer cancel()
	var tried attempts
	_, err = h.DB.PutItem(putCtx, in, tried.option)
	resp := &Response{TableARN: h.TableARN, Key: ev.key, Time: timeOf(ev.item), Overwrite: ev.overwrite}
	if err == nil {
		return resp, nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		if storedDigest(ccf.Item) != ev.digest {
			return nil, &ItemExistsError{TableARN: h.TableARN, Keys: []Key{ev.key}}
		}
		resp.Time, resp.AlreadyWritten = timeOf(ccf.Item), true
		return resp, nil
	}
	cause, hint := classify(tried.lastError(err))
	if tried.mayHaveApplied {
		return nil, &OutcomeUnknownError{TableARN: h.TableARN, Key: ev.key, Cause: cause, Hint: hint, Err: err}
	}
	return nil, &WriteError{TableARN: h.TableARN, Key: ev.key, Cause: cause, Hint: hint, Err: err}
}

// condition is the put's condition. Without "overwrite": true the key must
// be free; checking the partition key is enough, as the condition is
// evaluated against the item with the put's full key, if there is one.
// With it, any item is replaced except this same write (the stored digest
// is this event's), so that the same overwriting event sent again changes
// nothing and is reported as already written.
func (ev *event) condition() (*string, map[string]string, map[string]types.AttributeValue) {
	if !ev.overwrite {
		return &keyIsFree, keyIsFreeNames, nil
	}
	return &notThisWrite, notThisWriteNames, map[string]types.AttributeValue{":d": &types.AttributeValueMemberS{Value: ev.digest}}
}

// The conditions' expressions and names, shared by every put (the SDK only
// reads them).
var (
	keyIsFree         = "attribute_not_exists(#pk)"
	keyIsFreeNames    = map[string]string{"#pk": tablespec.PartitionKey}
	notThisWrite      = "attribute_not_exists(#d) OR #d <> :d"
	notThisWriteNames = map[string]string{"#d": digestAttr}
)

// prepare stamps now on an event without its own time, adds the digest of
// what the event sent, and checks the item's size with both.
func (ev *event) prepare(now string) error {
	if !ev.hasTime {
		ev.item[timeAttr] = &types.AttributeValueMemberS{Value: now}
	}
	ev.digest = writeDigest(ev.item, ev.hasTime)
	ev.item[digestAttr] = &types.AttributeValueMemberS{Value: ev.digest}
	if size := itemSize(ev.item); size > maxItemBytes {
		return &InvalidEventError{Rule: fmt.Sprintf("item is %d bytes with the time and the writer's digest, over DynamoDB's limit of %d bytes (400 KB)", size, maxItemBytes)}
	}
	return nil
}

// timeOf returns an item's time, or "" if it has none as a string.
func timeOf(item map[string]types.AttributeValue) string {
	if t, ok := item[timeAttr].(*types.AttributeValueMemberS); ok {
		return t.Value
	}
	return ""
}

// beforeDeadline returns a context that ends putItemMargin (or a quarter of
// the time left, if less) before ctx's deadline. Without a deadline it sets
// none.
func beforeDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	margin := min(putItemMargin, time.Until(deadline)/4)
	return context.WithDeadline(ctx, deadline.Add(-margin))
}
