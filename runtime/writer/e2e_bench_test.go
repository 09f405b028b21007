package main

// Benchmarks of the writer under the emulator against moto_server; see
// BENCHMARKS.md.

import (
	"context"
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
	payload := []byte(`{"category":"Bench","item":"warm","overwrite":true}`)
	if res, err := stack.Function.Invoke(ctx, payload); err != nil || res.ErrorType != "" {
		b.Fatalf("warm-up invoke: %v %s", err, res.Payload)
	}
	for b.Loop() {
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
	payload := []byte(`{"category":"Bench","item":"cold","overwrite":true}`)
	for b.Loop() {
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
