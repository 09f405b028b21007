package verify

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// queueProbeWait bounds how long the write probe waits for a queue
// writer's function to write the probe message, on top of the mapping's
// batching window: Lambda's pollers receive a message within seconds.
const queueProbeWait = 60 * time.Second

// queueProbePoll is how often the probe reads the table while it waits.
const queueProbePoll = 500 * time.Millisecond

// queueProbe proves a queue writer's path end to end: it sends a probe
// item to the queue with the writer account's credentials, as a producer
// does, waits (bounded) until a consistent read with the table account's
// credentials finds it, then reads it back and deletes it.
func (v *verifier) queueProbe(ctx context.Context, w *liveWriter) {
	if w.queue == nil {
		v.cannot("writer %s: no probe, its queue could not be read", w.Name)
		return
	}
	c, err := v.awsConfig(ctx, w.Account, w.Region)
	if err != nil {
		v.cannot("%v", err)
		return
	}
	item := probeItem()
	body := string(probeEvent(item))
	start := time.Now()
	if _, err := sqs.NewFromConfig(c).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(w.queue.url), MessageBody: aws.String(body)}); err != nil {
		v.readFailed(w.Account, w.Region, "sqs:SendMessage", w.queue.url, err)
		return
	}
	v.ok("writer %s: sent %s to %s", w.Name, body, w.queue.url)
	wait := queueProbeWait + time.Duration(w.Queue.MaxBatchingWindowSeconds)*time.Second
	found, ok := v.waitForProbe(ctx, item, wait)
	if !ok {
		return
	}
	if !found {
		v.fail("writer %s: the probe message sent to %s was not written within %s: check that the event source mapping is enabled, the function's log group for its errors, and the dead-letter queue %s; the item may still be written later: delete it then with:\n  aws dynamodb delete-item %s --table-name %s --key '%s'",
			w.Name, w.queue.url, ms(wait), w.queue.deadLetterURL, v.cliArgs(v.cfg.TableAccount, v.cfg.TableRegion), v.cfg.TableArn(), probeKeyJSON(item))
		return
	}
	v.ok("writer %s: the queue's function wrote the probe item %s=%s in %s", w.Name, tablespec.SortKey, item, ms(time.Since(start)))
	v.readBackAndDelete(ctx, w, item)
}

// waitForProbe reads the probe item with the table account's credentials
// until it is there or wait has passed. ok is false when a read failed.
func (v *verifier) waitForProbe(ctx context.Context, item string, wait time.Duration) (found, ok bool) {
	acct, region, arn := v.cfg.TableAccount, v.cfg.TableRegion, v.cfg.TableArn()
	c, err := v.awsConfig(ctx, acct, region)
	if err != nil {
		v.cannot("%v", err)
		return false, false
	}
	db := dynamodb.NewFromConfig(c)
	deadline := time.Now().Add(wait)
	for {
		got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(arn), Key: probeKey(item), ConsistentRead: aws.Bool(true)})
		if err != nil {
			v.readFailed(acct, region, "dynamodb:GetItem", arn, err)
			return false, false
		}
		if len(got.Item) > 0 {
			return true, true
		}
		if time.Now().After(deadline) {
			return false, true
		}
		select {
		case <-ctx.Done():
			v.cannot("the write probe was stopped while it waited: %v", ctx.Err())
			return false, false
		case <-time.After(queueProbePoll):
		}
	}
}

// probeKeyJSON is the probe item's key as the AWS CLI takes it.
func probeKeyJSON(item string) string {
	return fmt.Sprintf(`{"%s":{"S":"%s"},"%s":{"S":"%s"}}`, tablespec.PartitionKey, ProbeCategory, tablespec.SortKey, item)
}
