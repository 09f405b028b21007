package main

// Benchmarks of batches; see BENCHMARKS.md. cmd/bench runs them and
// compares the medians of their halves.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// benchBatchItems is the size of the benchmarks' batches: DynamoDB's
// largest.
const benchBatchItems = maxBatchItems

// benchEvents returns benchBatchItems single-item events with fresh keys
// (conditional puts on free keys, the normal path), as JSON.
func benchEvents(category string) []string {
	events := make([]string, benchBatchItems)
	for i := range events {
		events[i] = fmt.Sprintf(`{"category":%q,"item":"%d","note":"a string attribute","count":%d}`, category, i, i)
	}
	return events
}

// BenchmarkBatchInvoke compares, under the emulator against moto_server,
// one invocation of a 100-item batch (batch) with 100 single-item
// invocations of items of the same shape (singles), and with the bare SDK
// TransactWriteItems of such a batch sent from this process straight to
// moto_server (bare: the most a batch through any function could gain).
// One op of each writes 100 items; they alternate round by round, so that
// the machine's load hits them alike.
func BenchmarkBatchInvoke(b *testing.B) {
	stack := localStack(b)
	ctx := context.Background()
	n := 0
	fresh := func(half string) []string {
		n++
		return benchEvents(fmt.Sprintf("BenchBatch-%s-%d", half, n))
	}
	for round := 1; round <= writeRounds; round++ {
		b.Run(fmt.Sprintf("round=%d/batch", round), func(b *testing.B) {
			for b.Loop() {
				payload := []byte("[" + strings.Join(fresh("batch"), ",") + "]")
				if res, err := stack.Function.Invoke(ctx, payload); err != nil || res.ErrorType != "" {
					b.Fatalf("invoke: %v %.300s", err, res.Payload)
				}
			}
		})
		b.Run(fmt.Sprintf("round=%d/singles", round), func(b *testing.B) {
			for b.Loop() {
				for _, ev := range fresh("singles") {
					if res, err := stack.Function.Invoke(ctx, []byte(ev)); err != nil || res.ErrorType != "" {
						b.Fatalf("invoke: %v %.300s", err, res.Payload)
					}
				}
			}
		})
		b.Run(fmt.Sprintf("round=%d/bare", round), func(b *testing.B) {
			for b.Loop() {
				n++
				if _, err := stack.DB.TransactWriteItems(ctx, bareBatch(stack.TableARN, fmt.Sprintf("BenchBatch-bare-%d", n))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBatchWrite compares, in this process against one moto_server,
// the handler's batch path (the event's bytes through Handler.Invoke:
// decode and check 100 elements, stamp, digest, one TransactWriteItems
// through the client main builds) with a bare SDK TransactWriteItems of 100
// conditional puts of items of the same shape through the same client.
// Allocations per item are allocs/op divided by 100.
func BenchmarkBatchWrite(b *testing.B) {
	h, db := benchHandler(b)
	ctx := context.Background()
	n := 0
	for round := 1; round <= writeRounds; round++ {
		b.Run(fmt.Sprintf("round=%d/handler", round), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n++
				payload := []byte("[" + strings.Join(benchEvents(fmt.Sprintf("BenchHandler-%d", n)), ",") + "]")
				if _, err := h.Invoke(ctx, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("round=%d/bare", round), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n++
				if _, err := db.TransactWriteItems(ctx, bareBatch(h.TableARN, fmt.Sprintf("BenchBare-%d", n))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bareBatch is the TransactWriteItems a bare SDK caller sends for
// benchEvents: conditional puts of the same attributes and a time.
func bareBatch(tableARN, category string) *dynamodb.TransactWriteItemsInput {
	now := time.Now().UTC().Format(time.RFC3339)
	items := make([]types.TransactWriteItem, benchBatchItems)
	for i := range items {
		items[i] = types.TransactWriteItem{Put: &types.Put{
			TableName: aws.String(tableARN),
			Item: map[string]types.AttributeValue{
				tablespec.PartitionKey: &types.AttributeValueMemberS{Value: category},
				tablespec.SortKey:      &types.AttributeValueMemberS{Value: fmt.Sprint(i)},
				"note":                 &types.AttributeValueMemberS{Value: "a string attribute"},
				"count":                &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
				timeAttr:               &types.AttributeValueMemberS{Value: now},
			},
			ConditionExpression:                 aws.String("attribute_not_exists(#pk)"),
			ExpressionAttributeNames:            map[string]string{"#pk": tablespec.PartitionKey},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}}
	}
	return &dynamodb.TransactWriteItemsInput{TransactItems: items}
}
