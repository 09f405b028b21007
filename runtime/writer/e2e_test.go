package main

// End-to-end tests of the writer's normal path; the services they run on
// are set up in e2e_helpers_test.go.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// With the sample item asked for (make local), {} writes the seed's item.
func TestE2ESeedEventWritesTheSeedItem(t *testing.T) {
	stack := localStack(t)
	fn, _ := startWriter(t, stack.Moto.URL, lambdalocal.SampleItemEnv)
	before := time.Now().UTC().Truncate(time.Second)
	resp := mustSucceed(t, invoke(t, fn, `{}`))
	after := time.Now().UTC()

	if resp.TableARN != e2eTableARN || resp.Key != (Key{"Fruit", "Apple"}) || resp.Overwrite {
		t.Errorf("response = %+v, want Fruit/Apple in %s", resp, e2eTableARN)
	}
	written, err := time.Parse(time.RFC3339, resp.Time)
	if err != nil || !strings.HasSuffix(resp.Time, "Z") || written.Before(before) || written.After(after) {
		t.Errorf("time = %q (%v), want RFC 3339 UTC between %v and %v", resp.Time, err, before, after)
	}
	want := map[string]types.AttributeValue{
		"category": &types.AttributeValueMemberS{Value: "Fruit"},
		"item":     &types.AttributeValueMemberS{Value: "Apple"},
		"time":     &types.AttributeValueMemberS{Value: resp.Time},
	}
	if got := withoutDigest(t, getItem(t, stack, "Fruit", "Apple")); !reflect.DeepEqual(got, want) {
		t.Errorf("item read back = %v, want %v", got, want)
	}
}

// As deployed (no WRITER_SAMPLE_ITEM), an event without keys writes
// nothing, and {"overwrite": true} overwrites nothing.
func TestE2EDeployedWriterRefusesEventsWithoutKeys(t *testing.T) {
	stack := localStack(t)
	for _, payload := range []string{`{}`, `{"overwrite":true}`, `[{}]`} {
		before := countItems(t, stack)
		res := invoke(t, stack.Function, payload)
		if res.ErrorType != "InvalidEventError" || !strings.Contains(res.ErrorMessage, "category: missing") {
			t.Errorf("%s: response = %s, want an InvalidEventError for the missing category", payload, res.Payload)
		}
		if after := countItems(t, stack); after != before {
			t.Errorf("%s: %d items after, %d before", payload, after, before)
		}
	}
}

// The function claims lambdalocal.FunctionRegion and the table is in
// us-east-1. moto_server keeps tables per signing region, so a write that
// succeeds shows that the client took its region from TABLE_ARN.
func TestE2EClientUsesTheTableRegion(t *testing.T) {
	stack := localStack(t)
	_, err := stack.Moto.Client(lambdalocal.FunctionRegion).DescribeTable(context.Background(),
		&dynamodb.DescribeTableInput{TableName: aws.String(stack.TableARN)})
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("moto_server finds the table from %s (err %v): this test cannot tell the regions apart", lambdalocal.FunctionRegion, err)
	}
	mustSucceed(t, invoke(t, stack.Function, `{"category":"Region","item":"check"}`))
}

func TestE2ECustomItemIsStoredAndNotLogged(t *testing.T) {
	stack := localStack(t)
	const secret = "e2e-value-that-must-not-be-logged"
	resp := mustSucceed(t, invoke(t, stack.Function, `{"category":"Vegetable","item":"Leek","time":"2024-01-02T03:04:05Z",
		"price":12345678901234567890.5,"organic":true,"origin":null,"tags":["green",2],"stock":{"shop":{"count":3}},"note":"`+secret+`"}`))
	if resp.Key != (Key{"Vegetable", "Leek"}) || resp.Time != "2024-01-02T03:04:05Z" {
		t.Errorf("response = %+v, want key Vegetable/Leek and the event's time", resp)
	}
	want := map[string]types.AttributeValue{
		"category": &types.AttributeValueMemberS{Value: "Vegetable"},
		"item":     &types.AttributeValueMemberS{Value: "Leek"},
		"time":     &types.AttributeValueMemberS{Value: "2024-01-02T03:04:05Z"},
		"price":    &types.AttributeValueMemberN{Value: "12345678901234567890.5"},
		"organic":  &types.AttributeValueMemberBOOL{Value: true},
		"origin":   &types.AttributeValueMemberNULL{Value: true},
		"tags": &types.AttributeValueMemberL{Value: []types.AttributeValue{
			&types.AttributeValueMemberS{Value: "green"}, &types.AttributeValueMemberN{Value: "2"},
		}},
		"stock": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"shop": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"count": &types.AttributeValueMemberN{Value: "3"},
			}},
		}},
		"note": &types.AttributeValueMemberS{Value: secret},
	}
	if got := withoutDigest(t, getItem(t, stack, "Vegetable", "Leek")); !reflect.DeepEqual(got, want) {
		t.Errorf("item read back =\n%v\nwant\n%v", got, want)
	}
	logs := local.logs.String()
	if strings.Contains(logs, secret) {
		t.Errorf("the function logged an attribute value")
	}
	if !strings.Contains(logs, `"msg":"item written","requestId":"`) || !strings.Contains(logs, `"category":"Vegetable","item":"Leek"`) {
		t.Errorf("no JSON log record with the request ID and the key for the write")
	}
}

func TestE2EOverwriteConflict(t *testing.T) {
	stack := localStack(t)
	mustSucceed(t, invoke(t, stack.Function, `{"category":"Conflict","item":"Pear","version":1}`))

	res := invoke(t, stack.Function, `{"category":"Conflict","item":"Pear","version":2}`)
	if res.ErrorType != "ItemExistsError" || !strings.Contains(res.ErrorMessage, `category="Conflict" item="Pear" already exists`) {
		t.Errorf("second write = %s, want an ItemExistsError naming the key", res.Payload)
	}
	if got := getItem(t, stack, "Conflict", "Pear")["version"]; !reflect.DeepEqual(got, &types.AttributeValueMemberN{Value: "1"}) {
		t.Errorf("after the refused write, version = %v, want 1 (unchanged)", got)
	}

	resp := mustSucceed(t, invoke(t, stack.Function, `{"category":"Conflict","item":"Pear","version":2,"overwrite":true}`))
	if !resp.Overwrite {
		t.Errorf("response = %+v, want overwrite true", resp)
	}
	item := getItem(t, stack, "Conflict", "Pear")
	if got := item["version"]; !reflect.DeepEqual(got, &types.AttributeValueMemberN{Value: "2"}) {
		t.Errorf("after overwrite:true, version = %v, want 2", got)
	}
	if _, stored := item["overwrite"]; stored {
		t.Error(`"overwrite" was stored as an attribute`)
	}
}

func TestE2EBadEventsWriteNothing(t *testing.T) {
	stack := localStack(t)
	tests := []struct {
		name, payload, wantMessage string
	}{
		{"not JSON", `{"category":`, "invalid event: category: not valid JSON"},
		{"not an object", `"Fruit"`, "invalid event: got a string, want a JSON object"},
		{"a batch of strings", `["Fruit","Apple"]`, "invalid event: [0]: got a string, want a JSON object"},
		{"missing category", `{"item":"Apple"}`, "invalid event: category: missing"},
		{"missing item", `{"category":"Bad"}`, "invalid event: item: missing"},
		{"empty category", `{"category":"","item":"Apple"}`, "invalid event: category: empty"},
		{"empty item", `{"category":"Bad","item":""}`, "invalid event: item: empty"},
		{"category is a number", `{"category":7,"item":"Apple"}`, "invalid event: category: got a number, want a non-empty string"},
		{"item is an array", `{"category":"Bad","item":["Apple"]}`, "invalid event: item: got an array, want a non-empty string"},
		{"overwrite is not a boolean", `{"category":"Bad","item":"Apple","overwrite":1}`, "invalid event: overwrite: got a number, want true or false"},
		{"empty attribute name", `{"category":"Bad","item":"Apple","":"x"}`, "invalid event: empty attribute name; DynamoDB wants at least one character"},
		{"empty nested attribute name", `{"category":"Bad","item":"Apple","m":{"":"x"}}`, "invalid event: m: empty attribute name"},
		{"number with 39 digits", `{"category":"Bad","item":"Apple","n":123456789012345678901234567890123456789}`, "invalid event: n: number has 39 significant digits, over DynamoDB's limit of 38"},
		{"item over 400 KB", `{"category":"Bad","item":"Apple","data":"` + strings.Repeat("x", 410*1024) + `"}`, "over DynamoDB's limit of 409600 bytes (400 KB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := countItems(t, stack)
			res := invoke(t, stack.Function, tt.payload)
			if res.ErrorType != "InvalidEventError" || !strings.Contains(res.ErrorMessage, tt.wantMessage) {
				t.Errorf("response = %.300s, want an InvalidEventError containing %q", res.Payload, tt.wantMessage)
			}
			if after := countItems(t, stack); after != before {
				t.Errorf("the table has %d items after a bad event, %d before: something was written", after, before)
			}
		})
	}
}

// aws-lambda-go logs the error an invocation returns, so a rejected event's
// message must be as free of item contents as the handler's own log record.
func TestE2ENestedMapKeysAreNotLogged(t *testing.T) {
	stack := localStack(t)
	nestedKeys := []string{"e2e-owner@example.com", "e2e-ssn-123-45-6789"}
	res := invoke(t, stack.Function, `{"category":"Bad","item":"Apple","owners":{"`+nestedKeys[0]+`":{"`+nestedKeys[1]+`":1e999}}}`)
	if res.ErrorType != "InvalidEventError" || !strings.Contains(res.ErrorMessage, "invalid event: owners: number is too large") {
		t.Errorf("response = %s, want an InvalidEventError naming the top-level attribute owners", res.Payload)
	}
	logs := local.logs.String()
	if !strings.Contains(logs, `"msg":"event rejected"`) {
		t.Errorf("no log record for the rejected event")
	}
	for _, key := range nestedKeys {
		if strings.Contains(res.ErrorMessage, key) {
			t.Errorf("errorMessage %q contains the map key %q from inside an attribute's value", res.ErrorMessage, key)
		}
		if strings.Contains(logs, key) {
			t.Errorf("the function's output contains the map key %q from inside an attribute's value", key)
		}
	}
}

func TestE2EMissingTableIsReportedWithHint(t *testing.T) {
	stack := localStack(t)
	missing := "arn:aws:dynamodb:us-east-1:111111111111:table/not-deployed"
	fn, err := lambdalocal.StartFunction(context.Background(), local.bins, lambdalocal.WriterEnv(missing, stack.Moto.URL), &local.logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fn.Stop(); err != nil {
			t.Error(err)
		}
	})
	res := invoke(t, fn, `{"category":"Missing","item":"table"}`)
	if res.ErrorType != "WriteError" {
		t.Fatalf("response = %s, want a WriteError", res.Payload)
	}
	for _, want := range []string{"ResourceNotFoundException", missing, "hint: the table does not exist in the account and region of TABLE_ARN; is TableStack deployed there?"} {
		if !strings.Contains(res.ErrorMessage, want) {
			t.Errorf("errorMessage %q does not contain %q", res.ErrorMessage, want)
		}
	}
}

// DynamoDB that never answers: the function, with Lambda's timeout set, must
// return its timeout hint rather than be stopped with "Task timed out".
func TestE2EHungDynamoDBIsReportedBeforeTheTimeout(t *testing.T) {
	stack := localStack(t)
	stop := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(stop) })
	// os/exec keeps the last of duplicate variables: this timeout replaces
	// WriterEnv's.
	env := append(lambdalocal.WriterEnv(stack.TableARN, hung.URL), "AWS_LAMBDA_FUNCTION_TIMEOUT=2")
	fn, err := lambdalocal.StartFunction(context.Background(), local.bins, env, &local.logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fn.Stop(); err != nil {
			t.Error(err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := fn.Invoke(ctx, []byte(`{"category":"Hung","item":"x"}`))
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	if res.ErrorType != "OutcomeUnknownError" || !strings.Contains(res.ErrorMessage, "hint: DynamoDB did not answer before the invocation's deadline") {
		t.Errorf("response = %s, want an OutcomeUnknownError with the timeout hint", res.Payload)
	}
}

func TestE2EBadTableARNStopsTheFunction(t *testing.T) {
	stack := localStack(t)
	fn, err := lambdalocal.StartFunction(context.Background(), local.bins, lambdalocal.WriterEnv("cross-account-items", stack.Moto.URL), &local.logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fn.Stop(); err != nil {
			t.Error(err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The emulator answers a failed init (Runtime.ExitError) with HTTP 502.
	res, err := fn.Invoke(ctx, []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "HTTP 502") {
		t.Errorf("invoke with a malformed TABLE_ARN = %s, %v; want the emulator's HTTP 502 for a failed init", res.Payload, err)
	}
	// The emulator may answer before the function's last output is copied
	// into the log, so wait for it a little.
	want := `TABLE_ARN \"cross-account-items\": arn: invalid prefix`
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(local.logs.String(), want) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(local.logs.String(), want) {
		t.Errorf("the function's output does not say what is wrong (%s)", want)
	}
}

// A WRITER_SAMPLE_ITEM that is neither true nor false stops the function
// at start-up rather than being read as either.
func TestE2EBadSampleItemValueStopsTheFunction(t *testing.T) {
	stack := localStack(t)
	logs := &lambdalocal.SyncBuffer{}
	env := append(lambdalocal.WriterEnv(stack.TableARN, stack.Moto.URL), "WRITER_SAMPLE_ITEM=yes")
	fn, err := lambdalocal.StartFunction(context.Background(), local.bins, env, logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fn.Stop(); err != nil {
			t.Error(err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if res, err := fn.Invoke(ctx, []byte(`{"category":"Sample","item":"bad"}`)); err == nil || !strings.Contains(err.Error(), "HTTP 502") {
		t.Errorf("invoke = %s, %v; want the emulator's HTTP 502 for a failed init", res.Payload, err)
	}
	want := `WRITER_SAMPLE_ITEM is \"yes\"; want true or false`
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), want) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), want) {
		t.Errorf("the function's output does not say what is wrong (%s):\n%s", want, logs.String())
	}
}
