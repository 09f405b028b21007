package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// queuePoller stands in for Lambda's event source mapping, which
// moto_server does not run: it receives up to batchSize messages from a
// queue in moto_server, invokes the function with them as an SQS event,
// and deletes the messages the response does not list
// (ReportBatchItemFailures). A listed message stays in the queue, to be
// received again after its visibility timeout.
type queuePoller struct {
	sqs       *sqs.Client
	queueURL  string
	queueARN  string
	region    string
	fn        *lambdalocal.Function
	batchSize int32
}

// poll runs one batch, long-polling up to wait seconds for the first
// message, and returns the messages received and the IDs the function
// listed. No message received is not an error.
func (p *queuePoller) poll(ctx context.Context, wait int32) (received []sqstypes.Message, listed []string, err error) {
	out, err := p.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(p.queueURL), MaxNumberOfMessages: p.batchSize, WaitTimeSeconds: wait,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
	})
	if err != nil || len(out.Messages) == 0 {
		return nil, nil, err
	}
	listed, err = p.invoke(ctx, out.Messages)
	return out.Messages, listed, err
}

// invoke invokes the function with msgs as an SQS event, deletes the
// messages its response does not list, and returns the listed IDs.
func (p *queuePoller) invoke(ctx context.Context, msgs []sqstypes.Message) (listed []string, err error) {
	var ev events.SQSEvent
	for _, m := range msgs {
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
			Md5OfBody: aws.ToString(m.MD5OfBody), Attributes: m.Attributes,
			EventSource: "aws:sqs", EventSourceARN: p.queueARN, AWSRegion: p.region,
		})
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	res, err := p.fn.Invoke(ctx, payload)
	if err != nil {
		return nil, err
	}
	if res.ErrorType != "" {
		return nil, fmt.Errorf("function failed: %s: %s", res.ErrorType, res.ErrorMessage)
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(res.Payload, &resp); err != nil {
		return nil, fmt.Errorf("response %s: %v", res.Payload, err)
	}
	for _, f := range resp.BatchItemFailures {
		listed = append(listed, f.ItemIdentifier)
	}
	return listed, p.delete(ctx, msgs, listed)
}

// delete deletes msgs from the queue, but for the IDs in keep.
func (p *queuePoller) delete(ctx context.Context, msgs []sqstypes.Message, keep []string) error {
	var done []sqstypes.DeleteMessageBatchRequestEntry
	for i, m := range msgs {
		if !slices.Contains(keep, aws.ToString(m.MessageId)) {
			done = append(done, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
		}
	}
	if len(done) == 0 {
		return nil
	}
	del, err := p.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(p.queueURL), Entries: done})
	if err != nil {
		return err
	}
	if len(del.Failed) > 0 {
		return fmt.Errorf("delete %d messages: %s", len(del.Failed), aws.ToString(del.Failed[0].Message))
	}
	return nil
}
