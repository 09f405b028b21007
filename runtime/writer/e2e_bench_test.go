package main

// Benchmarks of the writer under the emulator against moto_server; see
// BENCHMARKS.md.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// BenchmarkInvokeWarm measures one invocation of an already started function:
// the emulator, the handler and one PutItem to moto_server.
func BenchmarkInvokeWarm(b *testing.B) {
	stack := localStack(b)
	ctx := context.Background()
	if res, err := stack.Function.Invoke(ctx, []byte(`{"category":"Bench","item":"warm-up"}`)); err != nil || res.ErrorType != "" {
		b.Fatalf("warm-up invoke: %v %s", err, res.Payload)
	}
	n := 0
	for b.Loop() {
		// A fresh key each time: the writer's default path, a put on a free
		// key (an overwrite of the same event again is an already written
		// answer, not a write).
		n++
		payload := []byte(`{"category":"Bench","item":"warm-` + strconv.Itoa(n) + `"}`)
		if res, err := stack.Function.Invoke(ctx, payload); err != nil || res.ErrorType != "" {
			b.Fatalf("invoke: %v %s", err, res.Payload)
		}
	}
}

// BenchmarkPutItemDirect measures the same PutItem sent straight to
// moto_server, without the emulator or the function: the share of
// BenchmarkInvokeWarm that is moto_server's.
func BenchmarkPutItemDirect(b *testing.B) {
	stack := localStack(b)
	ctx := context.Background()
	in := &dynamodb.PutItemInput{
		TableName: aws.String(stack.TableARN),
		Item: map[string]types.AttributeValue{
			"category": &types.AttributeValueMemberS{Value: "Bench"},
			"item":     &types.AttributeValueMemberS{Value: "direct"},
			"time":     &types.AttributeValueMemberS{Value: time.Now().UTC().Format(time.RFC3339)},
		},
	}
	for b.Loop() {
		if _, err := stack.DB.PutItem(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInvokeCold measures the first invocation of a freshly started
// emulator: starting the bootstrap, its init (TABLE_ARN, the DynamoDB
// client from the environment) and one PutItem. Starting and stopping the emulator is not timed.
func BenchmarkInvokeCold(b *testing.B) {
	stack := localStack(b)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		n++
		payload := []byte(`{"category":"Bench","item":"cold-` + strconv.Itoa(n) + `"}`)
		b.StopTimer()
		fn, err := lambdalocal.StartFunction(ctx, local.bins, lambdalocal.WriterEnv(stack.TableARN, stack.Moto.URL), &local.logs)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := fn.Invoke(ctx, payload)
		b.StopTimer()
		if err := fn.Stop(); err != nil {
			b.Fatal(err)
		}
		if err != nil || res.ErrorType != "" {
			b.Fatalf("invoke: %v %s", err, res.Payload)
		}
		b.StartTimer()
	}
}

// writeRounds is how many times BenchmarkWrite alternates its two halves.
const writeRounds = 5

// BenchmarkWrite measures, in this process against the same moto_server, the
// handler's whole path (decode and validate the event, build the item and
// its digest, PutItem through the client main builds) beside a bare SDK
// PutItem of an item of the same shape through the same client. Both write
// a fresh key with the same condition (the key is free) and ask for the
// stored item on a failed condition, as the writer's default path does.
// The two alternate, round by round, so that the machine's load hits both
// alike; compare the medians of handler and bare (make bench does).
func BenchmarkWrite(b *testing.B) {
	h, db := benchHandler(b)
	ctx := context.Background()
	n := 0
	for round := 1; round <= writeRounds; round++ {
		b.Run(fmt.Sprintf("round=%d/handler", round), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n++
				payload := []byte(`{"category":"BenchWrite","item":"handler-` + strconv.Itoa(n) + `"}`)
				if _, err := h.Invoke(ctx, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("round=%d/bare", round), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n++
				in := &dynamodb.PutItemInput{
					TableName: aws.String(h.TableARN),
					Item: map[string]types.AttributeValue{
						"category": &types.AttributeValueMemberS{Value: "BenchWrite"},
						"item":     &types.AttributeValueMemberS{Value: "bare-" + strconv.Itoa(n)},
						"time":     &types.AttributeValueMemberS{Value: time.Now().UTC().Format(time.RFC3339)},
					},
					ConditionExpression:                 aws.String("attribute_not_exists(#pk)"),
					ExpressionAttributeNames:            map[string]string{"#pk": "category"},
					ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
				}
				if _, err := db.PutItem(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// nopDB accepts every write without sending it.
type nopDB struct{}

func (nopDB) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return &dynamodb.PutItemOutput{}, nil
}

func (nopDB) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// BenchmarkHandlerOwnCost measures what the handler adds to a PutItem:
// decoding and validating the event, building the item and its condition,
// the log record and the response, with a client that sends nothing.
func BenchmarkHandlerOwnCost(b *testing.B) {
	h := &Handler{DB: nopDB{}, TableARN: e2eTableARN, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
	payload := []byte(`{"category":"Bench","item":"handler","note":"a string attribute","count":3}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			b.Fatal(err)
		}
	}
}

// benchHandler is a Handler in this process, with the client main builds,
// writing to the shared moto_server's table; db is that client, for the
// bare halves of the benchmarks.
func benchHandler(b *testing.B) (*Handler, *dynamodb.Client) {
	b.Helper()
	stack := localStack(b)
	table, err := parseTableARN(stack.TableARN)
	if err != nil {
		b.Fatal(err)
	}
	env := map[string]string{envAccessKeyID: "test", envSecretAccessKey: "test", envEndpoint: stack.Moto.URL}
	db := newClient(table.Region, func(k string) string { return env[k] })
	return &Handler{DB: db, TableARN: stack.TableARN, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}, db
}
