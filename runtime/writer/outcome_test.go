package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// stored answers a conditional put as DynamoDB does when the key is taken:
// ConditionalCheckFailed with the stored item (ALL_OLD).
func stored(item map[string]types.AttributeValue) *fakeDB {
	return &fakeDB{err: apiError(400, &types.ConditionalCheckFailedException{Item: item})}
}

// storedBy returns the item the handler puts for payload when its clock
// reads at: what an earlier invocation of the event stored.
func storedBy(t *testing.T, payload, at string) map[string]types.AttributeValue {
	t.Helper()
	db := &fakeDB{}
	h := newTestHandler(db, nil)
	h.Now = func() time.Time { tm, _ := time.Parse(time.RFC3339, at); return tm }
	if _, err := h.Invoke(context.Background(), []byte(payload)); err != nil {
		t.Fatalf("first write of %s: %v", payload, err)
	}
	return db.calls[0].Item
}

func TestInvokeSameWriteIsAlreadyWritten(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, first, again, wantTime string
	}{
		{"auto-stamped time differs", `{"category":"Fruit","item":"Apple","n":1}`, `{"category":"Fruit","item":"Apple","n":1}`, "2020-01-01T00:00:00Z"},
		{"seed event invoked again", `{}`, `{}`, "2020-01-01T00:00:00Z"},
		{"event's own time equal", `{"category":"Fruit","item":"Apple","time":"t1"}`, `{"time":"t1","item":"Apple","category":"Fruit"}`, "t1"},
		{"numbers equal by value", `{"category":"Fruit","item":"Apple","time":"t1","n":1.50,"l":[100]}`, `{"category":"Fruit","item":"Apple","time":"t1","n":1.5,"l":[1E2]}`, "t1"},
		{"nested maps in another order", `{"category":"Fruit","item":"Apple","m":{"a":1,"b":[true,null]}}`, `{"category":"Fruit","item":"Apple","m":{"b":[true,null],"a":1}}`, "2020-01-01T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := newTestHandler(stored(storedBy(t, tt.first, "2020-01-01T00:00:00Z")), nil).Invoke(context.Background(), []byte(tt.again))
			if err != nil {
				t.Fatalf("Invoke: %v, want success", err)
			}
			want := fmt.Sprintf(`"time":%q,"overwrite":false,"alreadyWritten":true}`, tt.wantTime)
			if !strings.HasSuffix(string(out), want) {
				t.Errorf("response = %s, want it to end %s", out, want)
			}
		})
	}
}

// A conflict names the key, and nothing of the stored item: the answer is
// the same whatever the stored item holds, so an invoker who may only
// write learns nothing of it (no attribute names, no value confirmed one
// at a time).
func TestInvokeConflictNamesOnlyTheKey(t *testing.T) {
	t.Parallel()
	const secretName, secretValue = "salaryBand", "band-7"
	secretItem := map[string]types.AttributeValue{"category": s("Fruit"), "item": s("Apple"), secretName: s(secretValue), "time": s("t")}
	tests := []struct {
		name, payload string
		stored        map[string]types.AttributeValue
	}{
		{"value differs", `{"category":"Fruit","item":"Apple","version":2}`, storedBy(t, `{"category":"Fruit","item":"Apple","version":1}`, "2020-01-01T00:00:00Z")},
		{"event's own time differs", `{"category":"Fruit","item":"Apple","time":"t2"}`, storedBy(t, `{"category":"Fruit","item":"Apple","time":"t1"}`, "2020-01-01T00:00:00Z")},
		{"type differs", `{"category":"Fruit","item":"Apple","n":"1"}`, storedBy(t, `{"category":"Fruit","item":"Apple","n":1}`, "2020-01-01T00:00:00Z")},
		{"own time against a stamped one", `{"category":"Fruit","item":"Apple","time":"2020-01-01T00:00:00Z"}`, storedBy(t, `{"category":"Fruit","item":"Apple"}`, "2020-01-01T00:00:00Z")},
		{"a guess of a stored value, right", `{"category":"Fruit","item":"Apple","salaryBand":"band-7","time":"t"}`, secretItem},
		{"a guess of a stored value, wrong", `{"category":"Fruit","item":"Apple","salaryBand":"band-1","time":"t"}`, secretItem},
		{"the stored item in full, without a digest", `{"category":"Fruit","item":"Apple","salaryBand":"band-7","time":"t"}`, secretItem},
		{"a forged digest", `{"category":"Fruit","item":"Apple"}`, map[string]types.AttributeValue{"category": s("Fruit"), "item": s("Apple"), digestAttr: s("v1:forged")}},
		{"stored item not returned", `{"category":"Fruit","item":"Apple"}`, nil},
	}
	var messages []string
	for _, tt := range tests {
		_, err := newTestHandler(stored(tt.stored), nil).Invoke(context.Background(), []byte(tt.payload))
		var exists *ItemExistsError
		if !errors.As(err, &exists) {
			t.Fatalf("%s: err = %v (%T), want an ItemExistsError", tt.name, err, err)
		}
		if len(exists.Keys) != 1 || exists.Keys[0] != (Key{"Fruit", "Apple"}) || exists.Elements != nil {
			t.Errorf("%s: ItemExistsError = %+v, want the key Fruit/Apple", tt.name, exists)
		}
		for _, want := range []string{`category="Fruit" item="Apple" already exists in ` + testTableARN, "nothing was written", `"overwrite": true`} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not contain %q", tt.name, err, want)
			}
		}
		messages = append(messages, err.Error())
	}
	for i, m := range messages {
		if m != messages[0] {
			t.Errorf("%s: message %q differs from %q: it depends on what is stored", tests[i].name, m, messages[0])
		}
	}
}

func TestCanonicalNumber(t *testing.T) {
	t.Parallel()
	for _, group := range [][]string{
		{"1.5", "1.50", "15E-1", "0.15e1", "+1.5"},
		{"100", "1e2", "1E+2", "100.000"},
		{"0", "-0", "0.000", "0e99"},
		{"-0.001", "-1e-3"},
	} {
		for _, num := range group[1:] {
			if a, b := canonicalNumber(group[0]), canonicalNumber(num); a != b {
				t.Errorf("canonicalNumber(%s) = %s, canonicalNumber(%s) = %s; want equal", group[0], a, num, b)
			}
		}
	}
	if canonicalNumber("1.5") == canonicalNumber("15") || canonicalNumber("1") == canonicalNumber("-1") {
		t.Error("different numbers compare equal")
	}
}

// Each failure class gets a hint, and the outcome follows what the attempt
// proves: refused by DynamoDB (4xx) or never sent is "nothing was written";
// anything after the request may have left is unknown.
func TestInvokeFailureClasses(t *testing.T) {
	t.Parallel()
	// The SDK wraps a request it could not send in a ResponseError with
	// status 0.
	refused := apiError(0, &net.OpError{Op: "dial", Net: "tcp", Err: &net.OpError{Err: syscall.ECONNREFUSED}})
	tests := []struct {
		name      string
		err       error
		wantCause string
		wantHint  string
		unknown   bool
	}{
		{"access denied", apiError(400, &smithy.GenericAPIError{Code: "AccessDeniedException"}), "AccessDeniedException", "the table's resource policy", false},
		{"unknown credentials", apiError(400, &smithy.GenericAPIError{Code: "UnrecognizedClientException"}), "UnrecognizedClientException", "access denied", false},
		{"table missing", apiError(400, &types.ResourceNotFoundException{}), "ResourceNotFoundException", "is TableStack deployed there?", false},
		{"throttled", apiError(400, &retry.MaxAttemptsError{Attempt: 3, Err: &types.ProvisionedThroughputExceededException{}}), "ProvisionedThroughputExceededException", "retry later", false},
		{"throttling", apiError(400, &smithy.GenericAPIError{Code: "ThrottlingException"}), "ThrottlingException", "retry later", false},
		{"validation", apiError(400, &smithy.GenericAPIError{Code: "ValidationException"}), "ValidationException", "DynamoDB rejected the item", false},
		{"connection refused", refused, "connection refused", "nothing accepts connections", false},
		{"DNS failure", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "dynamodb.example"}}, "DNS failure", "does not resolve", false},
		{"HTTP 500", apiError(500, &smithy.GenericAPIError{Code: "InternalServerError"}), "InternalServerError", "failed on every attempt", true},
		{"HTTP 503 without a code", apiError(503, errors.New("bad gateway")), "HTTP 503", "failed on every attempt", true},
		{"connection reset", apiError(0, &net.OpError{Op: "read", Err: syscall.ECONNRESET}), "connection reset", "closed before its reply", true},
		{"timeout", context.DeadlineExceeded, "timeout", "did not answer before the invocation's deadline", true},
		{"retry quota exceeded", ratelimit.QuotaExceededError{Available: 1, Requested: 14}, "retry quota exceeded", "retry quota", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := newTestHandler(&fakeDB{err: tt.err}, nil).Invoke(context.Background(), []byte(`{"category":"Fruit","item":"Apple"}`))
			var werr *WriteError
			var unknown *OutcomeUnknownError
			var cause, hint string
			switch {
			case errors.As(err, &werr) && !tt.unknown:
				cause, hint = werr.Cause, werr.Hint
			case errors.As(err, &unknown) && tt.unknown:
				cause, hint = unknown.Cause, unknown.Hint
				want := `aws dynamodb get-item --region us-east-1 --table-name ` + testTableARN + ` --consistent-read --key '{"category":{"S":"Fruit"},"item":{"S":"Apple"}}'`
				if !strings.Contains(err.Error(), "the item may have been written: check with "+want) {
					t.Errorf("error %q does not say how to check", err)
				}
			default:
				t.Fatalf("err = %v (%T); want unknown outcome: %v", err, err, tt.unknown)
			}
			if cause != tt.wantCause || !strings.Contains(hint, tt.wantHint) {
				t.Errorf("cause %q, hint %q; want %q and a hint containing %q", cause, hint, tt.wantCause, tt.wantHint)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("the error does not wrap the SDK's error %v", tt.err)
			}
		})
	}
}

func TestGetItemCommandQuotesTheKey(t *testing.T) {
	t.Parallel()
	got := getItemCommand(testTableARN, Key{"it's", `a"b`})
	want := `--key '{"category":{"S":"it'\''s"},"item":{"S":"a\"b"}}'`
	if !strings.HasSuffix(got, want) {
		t.Errorf("getItemCommand = %s, want it to end %s", got, want)
	}
}
