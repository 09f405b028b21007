package lambdalocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// ErrMotoMissing means moto_server is not on PATH.
var ErrMotoMissing = errors.New("moto_server not found on PATH; install it with: pip install 'moto[server]==5.2.1'")

// Moto is a running moto_server: a local DynamoDB API that accepts table
// ARNs as table names for the account it was started with.
type Moto struct {
	// URL is the server's endpoint, such as http://127.0.0.1:40123.
	URL string
	// AccountID is the account moto_server pretends to be.
	AccountID string
	proc      *process
}

// StartMoto starts moto_server on a free loopback port as account accountID
// and waits until it answers. Its output goes to log.
func StartMoto(ctx context.Context, accountID string, log io.Writer) (*Moto, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, ErrMotoMissing
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	host, port := splitAddr(addr)
	cmd := exec.Command(path, "-H", host, "-p", port)
	cmd.Env = append(os.Environ(), "MOTO_ACCOUNT_ID="+accountID)
	cmd.Stdout, cmd.Stderr = log, log
	proc, err := startProcess("moto_server", cmd)
	if err != nil {
		return nil, err
	}
	m := &Moto{URL: "http://" + addr, AccountID: accountID, proc: proc}
	if err := m.waitUntilAnswering(ctx, 60*time.Second); err != nil {
		m.Stop()
		return nil, err
	}
	return m, nil
}

func (m *Moto) waitUntilAnswering(parent context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.URL+"/moto-api/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-m.proc.exited:
			return fmt.Errorf("moto_server exited before answering: %v", m.proc.cmd.ProcessState)
		case <-ctx.Done():
			if err := parent.Err(); err != nil {
				return fmt.Errorf("wait for moto_server: %w", err)
			}
			return fmt.Errorf("moto_server did not answer on %s within %v", m.URL, timeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop ends moto_server.
func (m *Moto) Stop() error { return m.proc.stop() }

// Client returns a DynamoDB client for moto in region, with dummy credentials.
func (m *Moto) Client(region string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       region,
		BaseEndpoint: aws.String(m.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// SQS returns an SQS client for moto in region, with dummy credentials.
func (m *Moto) SQS(region string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:       region,
		BaseEndpoint: aws.String(m.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// CreateQueue creates a standard queue named name in region, with the
// queue attributes attrs (nil for SQS's defaults), and returns
// the URL a deployed function would be given for it,
// https://sqs.<region>.amazonaws.com/<account>/<name>: moto_server finds a
// queue by its URL's last segment, so the function reaches it through its
// SQS endpoint (QueueEnv) and reads its region from that URL, as deployed.
func (m *Moto) CreateQueue(ctx context.Context, region, name string, attrs map[string]string) (string, error) {
	if _, err := m.SQS(region).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs}); err != nil {
		return "", fmt.Errorf("create queue %s in moto_server: %w", name, err)
	}
	return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, m.AccountID, name), nil
}

// CreateTable creates the writer's table, by its name, in the ARN's region
// (moto_server plays the ARN's account), with the key schema of package
// tablespec, which TableStack gives the real table. Created by name, as
// CloudFormation creates it, the table's ARN in moto_server is tableARN;
// created by ARN, moto_server would name it after the whole ARN.
func (m *Moto) CreateTable(ctx context.Context, tableARN string) error {
	table, err := tablespec.ParseArn(tableARN)
	if err != nil {
		return fmt.Errorf("table ARN %w", err)
	}
	_, err = m.Client(table.Region).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(table.Name),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(tablespec.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(tablespec.SortKey), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(tablespec.PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(tablespec.SortKey), KeyType: types.KeyTypeRange},
		},
	})
	if err != nil {
		return fmt.Errorf("create table %s in moto_server: %w", tableARN, err)
	}
	return nil
}
