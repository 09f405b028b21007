package main

// Benchmarks of a queue writer; see BENCHMARKS.md, "7. The queue". The
// test's poller (queuePoller) stands in for the event source mapping.

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// benchQueueMessages is how many messages one op of the queue benchmarks
// sends and drains.
const benchQueueMessages = 100

// benchQueue starts a queue writer against moto_server directly and a
// source queue of its own, with the poller at batch size 10 (the
// mapping's default).
func benchQueue(b *testing.B) *queuePoller {
	stack := localStack(b)
	w := startQueueWriter(b, stack.Moto.URL)
	region := lambdalocal.FunctionRegion
	name := fmt.Sprintf("writer-bench-queue-%d", queueSeq.Add(1))
	url, err := stack.Moto.CreateQueue(context.Background(), region, name, nil)
	if err != nil {
		b.Fatal(err)
	}
	return &queuePoller{sqs: w.sqs, queueURL: url, queueARN: fmt.Sprintf("arn:aws:sqs:%s:%s:%s", region, stack.Moto.AccountID, name),
		region: region, fn: w.fn, batchSize: 10}
}

// benchBody is the message body of item i of category: a single-item
// event with a fresh key.
func benchBody(category string, i int) string {
	return fmt.Sprintf(`{"category":%q,"item":"%d","note":"a string attribute","count":%d}`, category, i, i)
}

// fill sends benchQueueMessages messages of category, ten at a time.
func fill(b *testing.B, p *queuePoller, category string) {
	b.Helper()
	for i := 0; i < benchQueueMessages; i += 10 {
		var entries []sqstypes.SendMessageBatchRequestEntry
		for j := i; j < i+10; j++ {
			entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(j)), MessageBody: aws.String(benchBody(category, j))})
		}
		out, err := p.sqs.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(p.queueURL), Entries: entries})
		if err != nil || len(out.Failed) > 0 {
			b.Fatalf("send: %v %+v", err, out)
		}
	}
}

// BenchmarkQueueDrain measures the messages per second one function
// instance drains from a queue of benchQueueMessages single-item messages
// at batch size 10 (function): receive, invoke with the SQS event, delete
// the messages not listed, until the queue is empty. bare does the same
// from the test process with a conditional PutItem per message straight to
// moto_server and no function: what the queue and moto_server allow.
// Filling the queue is not counted; the two alternate, round by round.
func BenchmarkQueueDrain(b *testing.B) {
	p := benchQueue(b)
	db := localStack(b).DB
	tableARN := localStack(b).TableARN
	ctx := context.Background()
	n := 0
	drain := func(b *testing.B, name string, batch func([]sqstypes.Message) error) {
		var spent time.Duration
		drained := 0
		for b.Loop() {
			n++
			b.StopTimer()
			fill(b, p, fmt.Sprintf("BenchQueue-%s-%d", name, n))
			b.StartTimer()
			start := time.Now()
			for left := benchQueueMessages; left > 0; {
				out, err := p.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(p.queueURL), MaxNumberOfMessages: p.batchSize, WaitTimeSeconds: 1})
				if err != nil {
					b.Fatal(err)
				}
				if err := batch(out.Messages); err != nil {
					b.Fatal(err)
				}
				left -= len(out.Messages)
			}
			spent += time.Since(start)
			drained += benchQueueMessages
		}
		b.ReportMetric(float64(drained)/spent.Seconds(), "msgs/s")
	}
	for round := 1; round <= writeRounds; round++ {
		b.Run(fmt.Sprintf("round=%d/function", round), func(b *testing.B) {
			drain(b, "function", func(msgs []sqstypes.Message) error {
				listed, err := p.invoke(ctx, msgs)
				if err == nil && len(listed) > 0 {
					err = fmt.Errorf("listed %v", listed)
				}
				return err
			})
		})
		b.Run(fmt.Sprintf("round=%d/bare", round), func(b *testing.B) {
			drain(b, "bare", func(msgs []sqstypes.Message) error {
				for _, m := range msgs {
					if _, err := db.PutItem(ctx, barePut(tableARN, aws.ToString(m.Body))); err != nil {
						return err
					}
				}
				return p.delete(ctx, msgs, nil)
			})
		})
	}
}

// barePut is a conditional PutItem of a benchBody's item, as the writer
// sends it but without the time and the digest.
func barePut(tableARN, body string) *dynamodb.PutItemInput {
	var category, item string
	var count int
	fmt.Sscanf(body, `{"category":%q,"item":%q,"note":"a string attribute","count":%d}`, &category, &item, &count)
	return &dynamodb.PutItemInput{
		TableName: aws.String(tableARN),
		Item: map[string]types.AttributeValue{
			"category": &types.AttributeValueMemberS{Value: category},
			"item":     &types.AttributeValueMemberS{Value: item},
			"note":     &types.AttributeValueMemberS{Value: "a string attribute"},
			"count":    &types.AttributeValueMemberN{Value: fmt.Sprint(count)},
		},
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": "category"},
	}
}

// BenchmarkQueueLatency measures the time from a producer's SendMessage
// to the item stored (the function's answer to the batch that held it),
// with a producer sending one message every 10 ms and the poller
// long-polling at batch size 10 without a batching window, as the
// mapping's defaults do. Reported: the median, the 95th percentile and the
// largest, over each op's benchQueueMessages messages.
func BenchmarkQueueLatency(b *testing.B) {
	p := benchQueue(b)
	ctx := context.Background()
	n := 0
	var latencies []time.Duration
	for b.Loop() {
		n++
		category := fmt.Sprintf("BenchLatency-%d", n)
		var mu sync.Mutex
		sentAt := map[string]time.Time{}
		go func() {
			for i := range benchQueueMessages {
				body := benchBody(category, i)
				mu.Lock()
				sentAt[body] = time.Now()
				mu.Unlock()
				if _, err := p.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(p.queueURL), MessageBody: aws.String(body)}); err != nil {
					b.Error(err)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		for stored := 0; stored < benchQueueMessages && !b.Failed(); {
			got, listed, err := p.poll(ctx, 1)
			if err != nil {
				b.Fatal(err)
			}
			if len(listed) > 0 {
				b.Fatalf("listed %v", listed)
			}
			done := time.Now()
			mu.Lock()
			for _, m := range got {
				latencies = append(latencies, done.Sub(sentAt[aws.ToString(m.Body)]))
			}
			mu.Unlock()
			stored += len(got)
		}
	}
	slices.Sort(latencies)
	at := func(q float64) float64 {
		return float64(latencies[int(q*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(1), "max-ms")
}
