// Package lambdalocal runs the writer function on this machine as Lambda
// runs it: the bootstrap built as the CDK bundler builds it, under the AWS
// Lambda Runtime Interface Emulator, writing to a moto_server DynamoDB API
// (and, for a queue writer, sending dead letters to its SQS API).
// Every service listens on a free loopback port and is stopped by Stop.
package lambdalocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// FunctionRegion is the region the emulated function claims to run in. It
// differs from the table's region on purpose: the writer must take its
// client's region from the table ARN, and moto_server keeps tables per region.
const FunctionRegion = "eu-west-1"

// Stack is moto_server with the table created, and the writer running under
// the emulator against it.
type Stack struct {
	Moto     *Moto
	Function *Function
	// DB is a client for moto_server in the table's region, to read back.
	DB       *dynamodb.Client
	TableARN string
}

// Start starts moto_server as the table's account, creates the table, and
// starts bins.Bootstrap under the emulator with TABLE_ARN = tableARN and
// extraEnv after WriterEnv (a later variable replaces an earlier one). On
// error, whatever was started is stopped.
func Start(ctx context.Context, bins Binaries, tableARN string, log io.Writer, extraEnv ...string) (*Stack, error) {
	a, err := tablespec.ParseArn(tableARN)
	if err != nil {
		return nil, fmt.Errorf("table ARN %w", err)
	}
	moto, err := StartMoto(ctx, a.AccountID, log)
	if err != nil {
		return nil, err
	}
	if err := moto.CreateTable(ctx, tableARN); err != nil {
		moto.Stop()
		return nil, err
	}
	fn, err := StartFunction(ctx, bins, append(WriterEnv(tableARN, moto.URL), extraEnv...), log)
	if err != nil {
		moto.Stop()
		return nil, err
	}
	return &Stack{Moto: moto, Function: fn, DB: moto.Client(a.Region), TableARN: tableARN}, nil
}

// Stop ends the emulator, the function and moto_server.
func (s *Stack) Stop() error {
	return errors.Join(s.Function.Stop(), s.Moto.Stop())
}

// SampleItemEnv is the variable that makes the writer write the seed's
// sample item for an event without keys, as make local does. WriterEnv
// leaves it out: the function then behaves as deployed, and refuses such
// an event.
const SampleItemEnv = writerspec.SampleItem + "=true"

// WriterEnv is the writer's whole environment for a local run: its
// configuration, moto_server as the DynamoDB endpoint, dummy credentials,
// and nothing from the caller's AWS configuration.
func WriterEnv(tableARN, dynamoDBURL string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		writerspec.TableArn + "=" + tableARN,
		"AWS_ENDPOINT_URL_DYNAMODB=" + dynamoDBURL,
		"AWS_REGION=" + FunctionRegion,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30",
	}
}

// QueueEnv is what WriterEnv needs on top for a queue writer: the source,
// the dead-letter queue's URL (as Moto.CreateQueue returns it) and
// moto_server as the SQS endpoint.
func QueueEnv(deadLetterQueueURL, sqsURL string) []string {
	return []string{
		writerspec.Source + "=" + writerspec.SourceQueue,
		writerspec.DeadLetterQueue + "=" + deadLetterQueueURL,
		"AWS_ENDPOINT_URL_SQS=" + sqsURL,
	}
}
