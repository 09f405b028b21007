package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const testTableARN = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"

var testNow = time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))

// fakeDB records PutItem and TransactWriteItems calls and answers with err
// (PutItem) or the next of transactErrs (TransactWriteItems; nil once they
// are used up). Like the SDK, it runs the middleware the call's options
// add, after a stand-in for signing, as one sent attempt.
type fakeDB struct {
	mu          sync.Mutex
	calls       []*dynamodb.PutItemInput
	err         error
	transacts   []*dynamodb.TransactWriteItemsInput
	transactErr []error
	// hang makes the attempt wait for the call's context to end, as a hung
	// network call would, and fail with its error.
	hang bool
}

func (f *fakeDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	f.calls = append(f.calls, in)
	f.mu.Unlock()
	if err := f.attempt(ctx, in, f.err, optFns); err != nil {
		return nil, err
	}
	return &dynamodb.PutItemOutput{}, nil
}

func (f *fakeDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	f.mu.Lock()
	f.transacts = append(f.transacts, in)
	var err error
	if len(f.transactErr) > 0 {
		err, f.transactErr = f.transactErr[0], f.transactErr[1:]
	}
	f.mu.Unlock()
	if err := f.attempt(ctx, in, err, optFns); err != nil {
		return nil, err
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// attempt runs one attempt through the middleware optFns add, failing with
// err.
func (f *fakeDB) attempt(ctx context.Context, in any, err error, optFns []func(*dynamodb.Options)) error {
	var o dynamodb.Options
	for _, fn := range optFns {
		fn(&o)
	}
	stack := middleware.NewStack("call", smithyhttp.NewStackRequest)
	signing := func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		return next.HandleFinalize(ctx, in)
	}
	if err := stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("Signing", signing), middleware.After); err != nil {
		return err
	}
	for _, fn := range o.APIOptions {
		if err := fn(stack); err != nil {
			return err
		}
	}
	send := middleware.HandlerFunc(func(ctx context.Context, _ any) (any, middleware.Metadata, error) {
		if f.hang {
			<-ctx.Done()
			return nil, middleware.Metadata{}, ctx.Err()
		}
		return nil, middleware.Metadata{}, err
	})
	_, _, err = middleware.DecorateHandler(send, stack).Handle(ctx, in)
	return err
}

// withoutDigest returns item without the writer's digest, after checking
// that it has one.
func withoutDigest(t *testing.T, item map[string]types.AttributeValue) map[string]types.AttributeValue {
	t.Helper()
	if storedDigest(item) == "" {
		t.Errorf("item %v has no %s", item, digestAttr)
	}
	out := maps.Clone(item)
	delete(out, digestAttr)
	return out
}

// apiError is an error DynamoDB answered with, as the SDK returns it.
func apiError(status int, err error) error {
	return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}
}

// newTestHandler is a handler with the sample item on, as make local runs
// it; TestInvokeWithoutTheSampleRefusesEventsWithoutKeys turns it off.
func newTestHandler(db DynamoDB, log io.Writer) *Handler {
	if log == nil {
		log = io.Discard
	}
	return &Handler{
		DB:         db,
		TableARN:   testTableARN,
		Log:        slog.New(slog.NewJSONHandler(log, nil)),
		Now:        func() time.Time { return testNow },
		SampleItem: true,
	}
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

func TestInvokeWritesSeedItemForEmptyEvent(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{`{}`, ``, " \n", `{"overwrite": false}`} {
		t.Run(payload, func(t *testing.T) {
			db := &fakeDB{}
			out, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(payload))
			if err != nil {
				t.Fatalf("Invoke(%q): %v", payload, err)
			}
			if len(db.calls) != 1 {
				t.Fatalf("PutItem called %d times, want 1", len(db.calls))
			}
			in := db.calls[0]
			if *in.TableName != testTableARN {
				t.Errorf("TableName = %q, want the full table ARN %q", *in.TableName, testTableARN)
			}
			want := map[string]types.AttributeValue{
				"category": s("Fruit"), "item": s("Apple"), "time": s("2025-03-04T04:06:07Z"),
			}
			if got := withoutDigest(t, in.Item); !reflect.DeepEqual(got, want) {
				t.Errorf("Item = %#v, want the seed's item %#v", got, want)
			}
			if in.ConditionExpression == nil || *in.ConditionExpression != "attribute_not_exists(#pk)" ||
				in.ExpressionAttributeNames["#pk"] != "category" {
				t.Errorf("put is not conditional on the key not existing: %v %v", in.ConditionExpression, in.ExpressionAttributeNames)
			}
			if in.ReturnValuesOnConditionCheckFailure != types.ReturnValuesOnConditionCheckFailureAllOld {
				t.Errorf("ReturnValuesOnConditionCheckFailure = %q, want ALL_OLD to compare a stored item", in.ReturnValuesOnConditionCheckFailure)
			}
			wantOut := `{"tableArn":"` + testTableARN + `","key":{"category":"Fruit","item":"Apple"},"time":"2025-03-04T04:06:07Z","overwrite":false,"alreadyWritten":false}`
			if string(out) != wantOut {
				t.Errorf("response = %s, want %s", out, wantOut)
			}
		})
	}
}

func TestInvokeWritesCustomItem(t *testing.T) {
	t.Parallel()
	db := &fakeDB{}
	payload := `{"category":"Vegetable","item":"Leek","time":"yesterday","price":12345678901234567890123456789012345678,
		"organic":true,"origin":null,"tags":["green",2],"stock":{"shop":{"count":3}},"note":""}`
	out, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(payload))
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	want := map[string]types.AttributeValue{
		"category": s("Vegetable"),
		"item":     s("Leek"),
		"time":     s("yesterday"), // the event's own time is kept
		"price":    n("12345678901234567890123456789012345678"),
		"organic":  &types.AttributeValueMemberBOOL{Value: true},
		"origin":   &types.AttributeValueMemberNULL{Value: true},
		"tags":     &types.AttributeValueMemberL{Value: []types.AttributeValue{s("green"), n("2")}},
		"stock": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"shop": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"count": n("3")}},
		}},
		"note": s(""),
	}
	if got := withoutDigest(t, db.calls[0].Item); !reflect.DeepEqual(got, want) {
		t.Errorf("Item =\n%#v\nwant\n%#v", got, want)
	}
	var resp Response
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	wantResp := Response{TableARN: testTableARN, Key: Key{"Vegetable", "Leek"}, Time: "yesterday"}
	if resp != wantResp {
		t.Errorf("response = %+v, want %+v", resp, wantResp)
	}
}

// "overwrite": true replaces any item except this same write, whose
// digest the condition compares.
func TestInvokeOverwriteTrueReplacesAllButTheSameWriteAndIsNotStored(t *testing.T) {
	t.Parallel()
	db := &fakeDB{}
	out, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(`{"category":"Fruit","item":"Apple","overwrite":true}`))
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	in := db.calls[0]
	if in.ConditionExpression == nil || *in.ConditionExpression != "attribute_not_exists(#d) OR #d <> :d" ||
		in.ExpressionAttributeNames["#d"] != digestAttr || !reflect.DeepEqual(in.ExpressionAttributeValues[":d"], in.Item[digestAttr]) {
		t.Errorf("overwrite:true put's condition = %v %v %v, want it to admit any item but one with this digest",
			in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	}
	if _, stored := in.Item["overwrite"]; stored {
		t.Error(`"overwrite" is stored as an attribute; it is an option of the event`)
	}
	if !strings.Contains(string(out), `"overwrite":true`) {
		t.Errorf("response %s does not say it overwrote", out)
	}
	again, err := newTestHandler(stored(in.Item), nil).Invoke(context.Background(), []byte(`{"category":"Fruit","item":"Apple","overwrite":true}`))
	if err != nil || !strings.HasSuffix(string(again), `"overwrite":true,"alreadyWritten":true}`) {
		t.Errorf("the same overwrite again = %s, %v; want already written", again, err)
	}
}

func TestInvokeRejectsBadEvents(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"m":`, 33) + `1` + strings.Repeat(`}`, 33)
	longName := strings.Repeat("n", 65536)
	tests := []struct {
		name      string
		payload   string
		wantField string
		wantRule  string
	}{
		{"not JSON", `{"category":`, "", "not valid JSON"},
		{"trailing data", `{} {}`, "", "trailing data"},
		{"string", `"Apple"`, "", "got a string, want a JSON object"},
		{"number", `42`, "", "got a number, want a JSON object"},
		{"null", `null`, "", "got null, want a JSON object"},
		{"missing category", `{"item":"Apple"}`, "category", "missing; want a non-empty string (the table's partition key)"},
		{"missing item", `{"category":"Fruit"}`, "item", "missing; want a non-empty string (the table's sort key)"},
		{"only other attributes", `{"colour":"red"}`, "category", "missing"},
		{"empty category", `{"category":"","item":"Apple"}`, "category", "empty; want a non-empty string"},
		{"empty item", `{"category":"Fruit","item":""}`, "item", "empty; want a non-empty string"},
		{"category is a number", `{"category":1,"item":"Apple"}`, "category", "got a number, want a non-empty string"},
		{"category is null", `{"category":null,"item":"Apple"}`, "category", "got null, want a non-empty string"},
		{"item is a boolean", `{"category":"Fruit","item":true}`, "item", "got a boolean, want a non-empty string"},
		{"item is an object", `{"category":"Fruit","item":{"S":"Apple"}}`, "item", "got an object, want a non-empty string"},
		{"category over 2048 bytes", `{"category":"` + strings.Repeat("c", 2049) + `","item":"Apple"}`, "category", "2049 bytes, over DynamoDB's limit of 2048 bytes for a partition key"},
		{"item over 1024 bytes", `{"category":"Fruit","item":"` + strings.Repeat("i", 1025) + `"}`, "item", "1025 bytes, over DynamoDB's limit of 1024 bytes for a sort key"},
		{"overwrite is a string", `{"category":"Fruit","item":"Apple","overwrite":"yes"}`, "overwrite", "got a string, want true or false"},
		{"time is a number", `{"category":"Fruit","item":"Apple","time":1700000000}`, "time", "got a number, want a string"},
		{"empty attribute name", `{"category":"Fruit","item":"Apple","":1}`, "", "empty attribute name"},
		{"the writer's digest", `{"category":"Fruit","item":"Apple","writerDigest":"v1:x"}`, "writerDigest", "reserved"},
		{"empty nested attribute name", `{"category":"Fruit","item":"Apple","stock":{"":1}}`, "stock", "empty attribute name"},
		{"empty name in a map in a list", `{"category":"Fruit","item":"Apple","l":[0,{"":1}]}`, "l", "empty attribute name"},
		{"attribute name over 64 KB", `{"category":"Fruit","item":"Apple","` + longName + `":1}`, longName[:64] + "...", "attribute name is 65536 bytes, over DynamoDB's limit of 65535"},
		{"nested attribute name over 64 KB", `{"category":"Fruit","item":"Apple","m":{"` + longName + `":1}}`, "m", "attribute name is 65536 bytes, over DynamoDB's limit of 65535"},
		{"nested 33 levels", `{"category":"Fruit","item":"Apple","m":` + deep + `}`, "m", "nested 33 levels deep, over DynamoDB's limit of 32"},
		{"number with 39 digits", `{"category":"Fruit","item":"Apple","n":{"x":-1234567890123456789012345678901234567.89}}`, "n", "number has 39 significant digits, over DynamoDB's limit of 38"},
		{"number too large", `{"category":"Fruit","item":"Apple","n":1E126}`, "n", "number is too large"},
		{"number too small", `{"category":"Fruit","item":"Apple","n":[0.1e-130]}`, "n", "number is too small"},
		{"number exponent overflows", `{"category":"Fruit","item":"Apple","n":1e99999999999999999999}`, "n", "exponent is out of DynamoDB's range"},
		{"item over 400 KB", `{"category":"Fruit","item":"Apple","data":"` + strings.Repeat("x", 400*1024) + `"}`, "", "over DynamoDB's limit of 409600 bytes (400 KB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := &fakeDB{}
			out, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(tt.payload))
			var invalid *InvalidEventError
			if !errors.As(err, &invalid) {
				t.Fatalf("Invoke = %s, %v; want an InvalidEventError", out, err)
			}
			if tt.wantField != "" || tt.name == "empty attribute name" {
				if invalid.Field != tt.wantField {
					t.Errorf("Field = %q, want %q", invalid.Field, tt.wantField)
				}
			}
			if !strings.Contains(invalid.Rule, tt.wantRule) {
				t.Errorf("Rule = %q, want it to contain %q", invalid.Rule, tt.wantRule)
			}
			if len(db.calls) != 0 {
				t.Errorf("PutItem called %d times for a bad event, want 0", len(db.calls))
			}
		})
	}
}

func TestInvokeItemSizeLimitBoundary(t *testing.T) {
	t.Parallel()
	// category(8)+"Fruit"(5) + item(4)+"Apple"(5) + time(4)+"2025-03-04T04:06:07Z"(20) + data(4)
	// + writerDigest(12)+"v1:"+43 base64 digits(46) = 108 bytes besides the data value.
	const fixed = 108
	for _, tt := range []struct {
		size    int
		wantErr bool
	}{{maxItemBytes, false}, {maxItemBytes + 1, true}} {
		db := &fakeDB{}
		payload := `{"category":"Fruit","item":"Apple","data":"` + strings.Repeat("x", tt.size-fixed) + `"}`
		_, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(payload))
		if gotErr := err != nil; gotErr != tt.wantErr {
			t.Errorf("item of %d bytes: err = %v, want error: %v", tt.size, err, tt.wantErr)
		}
	}
}

func TestNumberRuleAcceptsDynamoDBsRange(t *testing.T) {
	t.Parallel()
	for _, n := range []string{
		"0", "-0", "0.000", "0e999", "12345678901234567890123456789012345678", "1234567890123456789012345678901234567800000",
		"9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E125",
		"1E-130", "-1e-130", "0.0001E-126", "100E123", "1.5",
	} {
		if rule := numberRule(n); rule != "" {
			t.Errorf("numberRule(%s) = %q, want it accepted", n, rule)
		}
	}
}

func TestItemSizeFollowsDynamoDBRules(t *testing.T) {
	t.Parallel()
	item := map[string]types.AttributeValue{
		"s": s("héllo"),                                   // 1 + 6
		"n": n("-123.45e10"),                              // 1 + (5+1)/2+1 = 1 + 4
		"b": &types.AttributeValueMemberBOOL{Value: true}, // 1 + 1
		"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{ // 1 + 3 + (1+1) + (1+2)
			s("a"), s("bb"),
		}},
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"k": s("v")}}, // 1 + 3 + 1+1+1
	}
	if got, want := itemSize(item), 7+5+2+9+7; got != want {
		t.Errorf("itemSize = %d, want %d", got, want)
	}
}

func TestInvokeHonoursTheInvocationDeadline(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newTestHandler(&fakeDB{hang: true}, nil).Invoke(ctx, []byte(`{}`))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline's error", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Invoke returned after %v, long after the 50ms deadline", elapsed)
	}
}

// At the invocation's deadline Lambda stops the function and the invoker sees
// only "Task timed out": the hint is delivered only if PutItem gives up first.
func TestInvokeReturnsTheTimeoutHintBeforeTheInvocationDeadline(t *testing.T) {
	t.Parallel()
	deadline := time.Now().Add(time.Second) // Lambda's shortest timeout
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	_, err := newTestHandler(&fakeDB{hang: true}, nil).Invoke(ctx, []byte(`{}`))
	returned := time.Now()
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) || unknown.Cause != "timeout" || !strings.Contains(unknown.Hint, "did not answer before the invocation's deadline") {
		t.Fatalf("err = %v, want an OutcomeUnknownError with the timeout hint", err)
	}
	if !returned.Before(deadline) {
		t.Errorf("Invoke returned %v after the invocation's deadline, when Lambda would already have stopped it", returned.Sub(deadline))
	}
}

func TestBeforeDeadlineKeepsAMargin(t *testing.T) {
	t.Parallel()
	ctx, cancel := beforeDeadline(context.Background())
	defer cancel()
	if d, ok := ctx.Deadline(); ok {
		t.Errorf("without an invocation deadline, PutItem got one: %v", d)
	}
	for _, tt := range []struct {
		left, wantMargin time.Duration
	}{
		{15 * time.Minute, putItemMargin}, // Lambda's longest timeout
		{3 * time.Second, putItemMargin},  // Lambda's default timeout
		{time.Second, 250 * time.Millisecond},
	} {
		deadline := time.Now().Add(tt.left)
		parent, cancelParent := context.WithDeadline(context.Background(), deadline)
		ctx, cancel := beforeDeadline(parent)
		got, _ := ctx.Deadline()
		// beforeDeadline reads the clock a little after deadline was set,
		// which can only shrink a quarter of the time left.
		if margin := deadline.Sub(got); margin > tt.wantMargin || margin < tt.wantMargin-50*time.Millisecond {
			t.Errorf("with %v left, PutItem's deadline is %v before the invocation's, want %v", tt.left, margin, tt.wantMargin)
		}
		cancel()
		cancelParent()
	}
}

// The log holds the table, the key, the outcome and the error's type and
// cause or rule: no other attribute's value, nor its name (notLogged), nor
// map keys inside a value, which the returned error does not carry either.
func TestInvokeLogsJSONWithRequestIDAndOnlyTheKey(t *testing.T) {
	t.Parallel()
	const secret = "do-not-log-me"
	nestedKeys := []string{"alice@example.com", "ssn-123-45-6789"}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-123"})
	for _, tt := range []struct {
		name      string
		payload   string
		db        *fakeDB
		level     string
		notLogged []string
	}{
		{"written", `{"category":"Fruit","item":"Apple","note":"` + secret + `"}`, &fakeDB{}, "INFO", nil},
		{"rejected", `{"category":"Fruit","item":"Apple","note":"` + secret + `","":1}`, &fakeDB{}, "WARN", nil},
		{"rejected nested value", `{"category":"F","item":"A","owners":{"alice@example.com":{"ssn-123-45-6789":1e999}}}`, &fakeDB{}, "WARN", nestedKeys},
		{"rejected nested name", `{"category":"F","item":"A","owners":{"alice@example.com":{"ssn-123-45-6789":{"":1}}}}`, &fakeDB{}, "WARN", nestedKeys},
		{"rejected nested too deep", `{"category":"F","item":"A","owners":{"alice@example.com":{"ssn-123-45-6789":` + strings.Repeat(`[`, 32) + strings.Repeat(`]`, 32) + `}}}`, &fakeDB{}, "WARN", nestedKeys},
		{"rejected nested in a list", `{"category":"F","item":"A","owners":[{"alice@example.com":{"ssn-123-45-6789":[1e-999]}}]}`, &fakeDB{}, "WARN", nestedKeys},
		{"exists", `{"category":"Fruit","item":"Apple","note":"` + secret + `"}`, &fakeDB{err: &types.ConditionalCheckFailedException{Item: map[string]types.AttributeValue{"category": s("Fruit"), "item": s("Apple"), "note": s("other")}}}, "WARN", []string{"note"}},
		{"failed", `{"category":"Fruit","item":"Apple","note":"` + secret + `"}`, &fakeDB{err: apiError(400, &types.ResourceNotFoundException{})}, "ERROR", []string{"note"}},
		{"unknown", `{"category":"Fruit","item":"Apple","note":"` + secret + `"}`, &fakeDB{err: apiError(500, &smithy.GenericAPIError{Code: "InternalServerError"})}, "ERROR", []string{"note"}},
		{"rejected attribute", `{"category":"Fruit","item":"Apple","note":"\udc80"}`, &fakeDB{}, "WARN", []string{"note"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			_, err := newTestHandler(tt.db, &logs).Invoke(ctx, []byte(tt.payload))
			if strings.Contains(logs.String(), secret) {
				t.Errorf("logs contain an item attribute's value:\n%s", logs.String())
			}
			for _, key := range tt.notLogged {
				if strings.Contains(logs.String(), key) {
					t.Errorf("logs contain the map key %q from inside an attribute's value:\n%s", key, logs.String())
				}
				if err != nil && strings.Contains(err.Error(), key) && slices.Contains(nestedKeys, key) {
					t.Errorf("the returned error contains the map key %q: %v", key, err)
				}
			}
			var rec map[string]any
			if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
				t.Fatalf("log is not one JSON record: %v\n%s", err, logs.String())
			}
			if rec["requestId"] != "req-123" || rec["level"] != tt.level {
				t.Errorf("log record %v: want requestId req-123 and level %s", rec, tt.level)
			}
		})
	}
}

func TestKeyJSONRoundTrips(t *testing.T) {
	t.Parallel()
	for _, k := range []Key{{"Fruit", "Apple"}, {`a "quoted" \ key`, "<tag>&\u00e9\U0001F34E\n"}} {
		b, err := k.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON(%v): %v", k, err)
		}
		var back Key
		if err := back.UnmarshalJSON(b); err != nil || back != k {
			t.Errorf("%s reads back as %v (%v), want %v", b, back, err, k)
		}
	}
}
