package main

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// A warm process must not run out of retries: the SDK's default retry
// quota (500 tokens, 14 per retry) is spent after about 35 retries.
func TestRetryerHasNoRetryQuota(t *testing.T) {
	t.Parallel()
	r := newRetryer()
	if got := r.MaxAttempts(); got != maxAttempts {
		t.Errorf("MaxAttempts = %d, want %d", got, maxAttempts)
	}
	for i := range 1000 {
		if _, err := r.GetRetryToken(context.Background(), errors.New("HTTP 500")); err != nil {
			t.Fatalf("retry %d: %v; want no client-side quota", i+1, err)
		}
	}
}

func TestBackoffStaysWithinItsBounds(t *testing.T) {
	t.Parallel()
	for attempt, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 50: time.Second} {
		for range 200 {
			if d, err := backoffDelay(attempt, nil); err != nil || d < 0 || d > ceiling {
				t.Fatalf("backoffDelay(%d) = %v, %v; want 0 to %v", attempt, d, err, ceiling)
			}
		}
	}
}

func TestRuntimeLogDropsOnlyTheHandlersErrors(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := &dropHandlerErrors{w: &out}
	for _, line := range []string{
		`{"errorMessage":"invalid event: note: x","errorType":"InvalidEventError"}` + "\n",
		`{"errorMessage":"...","errorType":"ItemExistsError"}` + "\n",
		`{"errorMessage":"...","errorType":"WriteError"}` + "\n",
		`{"errorMessage":"...","errorType":"OutcomeUnknownError"}` + "\n",
	} {
		if n, err := w.Write([]byte(line)); n != len(line) || err != nil {
			t.Errorf("Write = %d, %v", n, err)
		}
	}
	kept := []string{
		`{"errorMessage":"runtime error: index out of range","errorType":"boundsError","stackTrace":[{"path":"x"}],"shouldExit":true}` + "\n",
		`{"errorMessage":"boom","errorType":"InvalidEventError","stackTrace":[]}` + "\n",
		"WARNING! Failed to register internal extension!\n",
	}
	for _, line := range kept {
		w.Write([]byte(line))
	}
	if want := kept[0] + kept[1] + kept[2]; out.String() != want {
		t.Errorf("kept:\n%s\nwant:\n%s", out.String(), want)
	}
}
