package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// BenchmarkBatchOwnCost measures what the handler adds to a 100-item
// TransactWriteItems: decoding and checking the elements, the time stamps
// and digests, the transaction's input, the log record and the response,
// with a client that sends nothing.
func BenchmarkBatchOwnCost(b *testing.B) {
	h := &Handler{DB: nopDB{}, TableARN: e2eTableARN, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: time.Now}
	payload := []byte("[" + strings.Join(benchEvents("BenchOwn"), ",") + "]")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			b.Fatal(err)
		}
	}
}
