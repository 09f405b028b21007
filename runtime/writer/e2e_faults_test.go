package main

// End-to-end tests of what the writer reports when the way to DynamoDB
// fails: the function runs under the emulator, and a fault-injecting proxy
// (faultProxy) sits between it and moto_server. Each test starts its own
// function, so that its log holds only its own invocations.

import (
	"context"
	"net"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// startWriter starts the function with endpoint as its DynamoDB endpoint
// and its own log; extraEnv replaces variables of WriterEnv.
func startWriter(t testing.TB, endpoint string, extraEnv ...string) (*lambdalocal.Function, *lambdalocal.SyncBuffer) {
	t.Helper()
	stack := localStack(t)
	logs := &lambdalocal.SyncBuffer{}
	env := append(lambdalocal.WriterEnv(stack.TableARN, endpoint), extraEnv...)
	fn, err := lambdalocal.StartFunction(context.Background(), local.bins, env, logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fn.Stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("the function's output:\n%s", tail(logs.String(), 8000))
		}
	})
	return fn, logs
}

// mustFail checks that the invocation failed with errorType and a message
// containing each of want.
func mustFail(t *testing.T, res lambdalocal.Result, errorType string, want ...string) {
	t.Helper()
	if res.ErrorType != errorType {
		t.Fatalf("response = %s, want a %s", res.Payload, errorType)
	}
	for _, w := range want {
		if !strings.Contains(res.ErrorMessage, w) {
			t.Errorf("errorMessage %q does not contain %q", res.ErrorMessage, w)
		}
	}
}

// loggedOnce checks that the function's output holds n records of
// errorType, one per failed invocation: the handler's, and not the error
// document aws-lambda-go would print again.
func loggedOnce(t *testing.T, logs *lambdalocal.SyncBuffer, errorType string, n int) {
	t.Helper()
	out := logs.String()
	if got := strings.Count(out, `"errorType":"`+errorType+`"`); got != n {
		t.Errorf("the output has %d records of %s, want %d (one per failed invocation):\n%s", got, errorType, n, tail(out, 4000))
	}
	if got := strings.Count(out, `"errorMessage"`); got != 0 {
		t.Errorf("aws-lambda-go logged %d error documents, want none (the handler logs each failure once)", got)
	}
}

// An applied write whose reply is lost: the SDK retries, the retry fails
// the condition on the item the first attempt wrote, and the outcome is
// "already written", never a conflict.
func TestE2EAppliedWriteWithLostReplyIsAlreadyWritten(t *testing.T) {
	for name, f := range map[string]fault{"HTTP 500 after the write": forward500, "reset after the write": forwardReset} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stack := localStack(t)
			proxy := newFaultProxy(t, stack.Moto.URL, f)
			fn, logs := startWriter(t, proxy.URL)
			key := Key{"LostReply", name}
			resp := mustSucceed(t, invoke(t, fn, `{"category":"LostReply","item":"`+name+`","n":1}`))
			if resp.Key != key || !resp.AlreadyWritten {
				t.Errorf("response = %+v, want key %v, already written", resp, key)
			}
			if got := proxy.count(); got != 2 {
				t.Errorf("the proxy saw %d requests, want 2 (the lost reply and the SDK's retry)", got)
			}
			want := map[string]types.AttributeValue{"category": s(key.Category), "item": s(key.Item), "n": n("1"), "time": s(resp.Time)}
			if got := withoutDigest(t, getItem(t, stack, key.Category, key.Item)); !reflect.DeepEqual(got, want) {
				t.Errorf("stored %v, want %v", got, want)
			}
			if !strings.Contains(logs.String(), `"msg":"item already written"`) {
				t.Errorf("no log record says the item was already written")
			}
		})
	}
}

// A timeout leaves the outcome unknown; the same event invoked again (as
// Lambda retries it) finds the item and reports it already written.
func TestE2ETimeoutThenTheSameEventAgain(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	proxy := newFaultProxy(t, stack.Moto.URL, forwardHang)
	fn, logs := startWriter(t, proxy.URL, "AWS_LAMBDA_FUNCTION_TIMEOUT=2")
	const event = `{"category":"Timeout","item":"again","n":1}`

	res := invoke(t, fn, event)
	mustFail(t, res, "OutcomeUnknownError", "(timeout)", "the item may have been written: check with aws dynamodb get-item --region us-east-1 --table-name "+stack.TableARN,
		`--key '{"category":{"S":"Timeout"},"item":{"S":"again"}}'`, "invoking the same event again is safe")
	first := getItem(t, stack, "Timeout", "again")
	if first == nil {
		t.Fatal("the first attempt's write is not stored: the proxy did not forward it")
	}

	resp := mustSucceed(t, invoke(t, fn, event))
	if !resp.AlreadyWritten || resp.Time != first["time"].(*types.AttributeValueMemberS).Value {
		t.Errorf("response = %+v, want already written, with the stored item's time %v", resp, first["time"])
	}
	if got := getItem(t, stack, "Timeout", "again"); !reflect.DeepEqual(got, first) {
		t.Errorf("the second invocation changed the item: %v, was %v", got, first)
	}
	loggedOnce(t, logs, "OutcomeUnknownError", 1)
}

// An item with the same key and other content is a real conflict: it is
// refused, its key named, and left as it was; neither the message nor the
// log names a stored attribute.
func TestE2ERealConflictNamesTheKeyOnly(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	fn, logs := startWriter(t, stack.Moto.URL)
	mustSucceed(t, invoke(t, fn, `{"category":"RealConflict","item":"Pear","version":1,"colour":"green"}`))
	before := getItem(t, stack, "RealConflict", "Pear")

	res := invoke(t, fn, `{"category":"RealConflict","item":"Pear","version":2,"colour":"green"}`)
	mustFail(t, res, "ItemExistsError", `category="RealConflict" item="Pear" already exists`,
		"not written by this same event", "nothing was written", `send "overwrite": true`)
	if strings.Contains(res.ErrorMessage, "colour") || strings.Contains(res.ErrorMessage, "version") {
		t.Errorf("errorMessage %q names an attribute", res.ErrorMessage)
	}
	if got := getItem(t, stack, "RealConflict", "Pear"); !reflect.DeepEqual(got, before) {
		t.Errorf("the refused write changed the item: %v, was %v", got, before)
	}
	loggedOnce(t, logs, "ItemExistsError", 1)
	if strings.Contains(logs.String(), "version") || strings.Contains(logs.String(), "colour") {
		t.Errorf("the log names attributes other than the key")
	}
}

// Nothing listens at the endpoint: nothing can have been written.
func TestE2EUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	fn, logs := startWriter(t, closed)
	res := invoke(t, fn, `{"category":"Unreachable","item":"x"}`)
	mustFail(t, res, "WriteError", "(connection refused)", "nothing was written", "hint: nothing accepts connections at the DynamoDB endpoint")
	if got := getItem(t, localStack(t), "Unreachable", "x"); got != nil {
		t.Errorf("stored %v, want nothing", got)
	}
	loggedOnce(t, logs, "WriteError", 1)
}

// HTTP 500 on every attempt: the writer cannot know whether one of them
// was applied, so it says the outcome is unknown and how to check.
func TestE2EServerErrorOnEveryAttempt(t *testing.T) {
	for name, f := range map[string]fault{"not applied": fail500, "applied": forward500} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stack := localStack(t)
			proxy := newFaultProxy(t, stack.Moto.URL)
			proxy.set(f)
			fn, logs := startWriter(t, proxy.URL)
			res := invoke(t, fn, `{"category":"ServerError","item":"`+name+`"}`)
			mustFail(t, res, "OutcomeUnknownError", "(InternalServerError)", "the item may have been written: check with aws dynamodb get-item",
				"hint: DynamoDB failed on every attempt")
			if got := proxy.count(); got != maxAttempts {
				t.Errorf("the proxy saw %d requests, want %d attempts", got, maxAttempts)
			}
			if stored := getItem(t, stack, "ServerError", name) != nil; stored != (f == forward500) {
				t.Errorf("item stored: %v, want %v", stored, f == forward500)
			}
			loggedOnce(t, logs, "OutcomeUnknownError", 1)
		})
	}
}

// After 20 failed invocations (40 retries, more than the SDK's default
// client-side retry quota allows) a warm process still retries every call,
// and writes once DynamoDB is back.
func TestE2EWarmProcessRecoversAfter20Failures(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	proxy := newFaultProxy(t, stack.Moto.URL)
	proxy.set(fail500)
	fn, logs := startWriter(t, proxy.URL)
	const failures = 20
	for i := range failures {
		before := proxy.count()
		res := invoke(t, fn, `{"category":"Recover","item":"x"}`)
		if res.ErrorType != "OutcomeUnknownError" || !strings.Contains(res.ErrorMessage, "(InternalServerError)") {
			t.Fatalf("failure %d: response = %s, want an OutcomeUnknownError after HTTP 500", i+1, res.Payload)
		}
		if got := proxy.count() - before; got != maxAttempts {
			t.Fatalf("failure %d: %d attempts, want %d: the process stopped retrying", i+1, got, maxAttempts)
		}
	}
	proxy.set(pass)
	resp := mustSucceed(t, invoke(t, fn, `{"category":"Recover","item":"x"}`))
	if resp.AlreadyWritten || getItem(t, stack, "Recover", "x") == nil {
		t.Errorf("response = %+v after DynamoDB came back, want a new write, stored", resp)
	}
	loggedOnce(t, logs, "OutcomeUnknownError", failures)
}
