//go:build queue

// The SQS client is linked only into a queue writer's bootstrap (go build
// -tags queue, writerspec.QueueBuildTag, as WriterStack builds it): its
// package init and code would otherwise cost every writer's cold start and
// binary size (BENCHMARKS.md, sections 1, 2 and 7).

package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// envEndpointSQS is the SQS endpoint for local runs (moto_server).
const envEndpointSQS = "AWS_ENDPOINT_URL_SQS"

// sqsDeadLetters sends dead letters to the queue at url.
type sqsDeadLetters struct {
	client *sqs.Client
	url    string
}

// newDeadLetters returns the dead-letter queue at url, in region, with a
// client configured from getenv as newClient is.
func newDeadLetters(url, region string, getenv func(string) string) (DeadLetters, error) {
	o := sqs.Options{
		Region:      region,
		Credentials: aws.NewCredentialsCache(envCredentials(getenv)),
		Retryer:     newRetryer(),
	}
	if endpoint := getenv(envEndpointSQS); endpoint != "" {
		o.BaseEndpoint = aws.String(endpoint)
	}
	return &sqsDeadLetters{client: sqs.New(o), url: url}, nil
}

// Send puts body on the queue with the attributes ErrorCode and
// ErrorMessage, as Lambda names them for failed asynchronous invocations.
func (d *sqsDeadLetters) Send(ctx context.Context, body, errorCode, errorMessage string) (string, error) {
	out, err := d.client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String(d.url),
		MessageBody: aws.String(body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"ErrorCode":    {DataType: aws.String("String"), StringValue: aws.String(errorCode)},
			"ErrorMessage": {DataType: aws.String("String"), StringValue: aws.String(errorMessage)},
		},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.MessageId), nil
}
