package main

// End-to-end tests: the bootstrap, built as the CDK bundler builds it, runs
// under the Lambda Runtime Interface Emulator against moto_server. They need
// moto_server on PATH: without it they skip, or fail when CI=true.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

const e2eTableARN = tablespec.ExampleArn

// local holds what the end-to-end tests share: built once, started on first
// use, stopped by TestMain.
var local struct {
	once  sync.Once
	err   error
	dir   string
	bins  lambdalocal.Binaries
	stack *lambdalocal.Stack
	logs  lambdalocal.SyncBuffer
}

func TestMain(m *testing.M) {
	code := m.Run()
	if local.stack != nil {
		if err := local.stack.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop local services:", err)
			code = 1
		}
	}
	if local.dir != "" {
		os.RemoveAll(local.dir)
	}
	os.Exit(code)
}

// localStack returns the shared moto_server + emulator stack, building and
// starting it on first use. On failure the test shows the services' output.
func localStack(tb testing.TB) *lambdalocal.Stack {
	tb.Helper()
	lambdalocal.RequireMoto(tb)
	local.once.Do(func() {
		local.bins, local.err = buildBinaries()
		if local.err == nil {
			local.stack, local.err = lambdalocal.Start(context.Background(), local.bins, e2eTableARN, &local.logs)
		}
	})
	if local.err != nil {
		tb.Fatalf("start local services: %v\n%s", local.err, local.logs.String())
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("output of the local services:\n%s", tail(local.logs.String(), 8000))
		}
	})
	return local.stack
}

func buildBinaries() (lambdalocal.Binaries, error) {
	root, err := gobuild.ModuleRoot(".")
	if err != nil {
		return lambdalocal.Binaries{}, err
	}
	local.dir, err = os.MkdirTemp("", "writer-e2e-")
	if err != nil {
		return lambdalocal.Binaries{}, err
	}
	// The queue writer's build: it runs invoked events as the default one
	// does, and the queue mode's tests need it.
	return lambdalocal.Build(context.Background(), root, writerspec.Entry, local.dir, &local.logs, writerspec.QueueBuildTag)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func invoke(t *testing.T, fn *lambdalocal.Function, payload string) lambdalocal.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := fn.Invoke(ctx, []byte(payload))
	if err != nil {
		t.Fatalf("invoke %.100s: %v", payload, err)
	}
	return res
}

func mustSucceed(t *testing.T, res lambdalocal.Result) Response {
	t.Helper()
	if res.ErrorType != "" {
		t.Fatalf("function failed: %s: %s", res.ErrorType, res.ErrorMessage)
	}
	var resp Response
	if err := json.Unmarshal(res.Payload, &resp); err != nil {
		t.Fatalf("response %s: %v", res.Payload, err)
	}
	return resp
}

func getItem(t *testing.T, stack *lambdalocal.Stack, category, item string) map[string]types.AttributeValue {
	t.Helper()
	out, err := stack.DB.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(stack.TableARN),
		Key: map[string]types.AttributeValue{
			tablespec.PartitionKey: &types.AttributeValueMemberS{Value: category},
			tablespec.SortKey:      &types.AttributeValueMemberS{Value: item},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("read back %s/%s: %v", category, item, err)
	}
	return out.Item
}

func countItems(t *testing.T, stack *lambdalocal.Stack) int32 {
	t.Helper()
	out, err := stack.DB.Scan(context.Background(), &dynamodb.ScanInput{
		TableName: aws.String(stack.TableARN), Select: types.SelectCount, ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("count items: %v", err)
	}
	return out.Count
}
