package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Through the client main builds: the SDK's retries of one transaction
// keep its ClientRequestToken (so DynamoDB can answer a retry of an applied
// transaction with success), and a TransactionConflict is retried.
func TestBatchRetriesKeepTheTransactionsToken(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		tokens []string
	)
	answers := []struct {
		status int
		body   string
	}{
		{500, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"lost"}`},
		{400, `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"conflict","CancellationReasons":[{"Code":"TransactionConflict"},{"Code":"None"}]}`},
		{200, `{}`},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ ClientRequestToken string }
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &in)
		mu.Lock()
		i := len(tokens)
		tokens = append(tokens, in.ClientRequestToken)
		mu.Unlock()
		a := answers[min(i, len(answers)-1)]
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(a.status)
		w.Write([]byte(a.body))
	}))
	defer srv.Close()
	env := lambdaEnv(srv.URL)
	h := &Handler{
		DB:       newClient("us-east-1", func(k string) string { return env[k] }),
		TableARN: testTableARN, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now,
	}
	if _, err := h.Invoke(context.Background(), []byte(`[{"category":"T","item":"1"},{"category":"T","item":"2"}]`)); err != nil {
		t.Fatalf("Invoke: %v, want success on the third attempt", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(tokens) != 3 || tokens[0] == "" || tokens[1] != tokens[0] || tokens[2] != tokens[0] {
		t.Errorf("tokens of the attempts = %q, want 3 attempts with one token", tokens)
	}
}
