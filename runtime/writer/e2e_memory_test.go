package main

// The writer's memory on the largest payloads Lambda delivers (6 MB for a
// synchronous invocation), against the 128 MB the function runs with.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
)

// functionMemory is the writer's memory size in WriterStack (MB).
const functionMemory = 128 << 20

// lambdaPayloadLimit is Lambda's limit on a synchronous invocation's
// payload.
const lambdaPayloadLimit = 6 << 20

// zeros is a JSON list of as many 0s as fit in n bytes.
func zeros(n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat("0,", n/2-1), ",") + "]"
}

// largestPayloads are 6 MB payloads built to cost the most memory per
// byte (a list element "0," is 2 bytes of JSON and an AttributeValue), and
// the largest batches DynamoDB takes, which are written.
func largestPayloads() []struct{ name, payload, wantErrorType string } {
	elem := func(i, n int) string {
		return fmt.Sprintf(`{"category":"Memory","item":"%d","l":%s}`, i, zeros(n))
	}
	var batch6MB []string
	for i := 0; len(strings.Join(batch6MB, ",")) < lambdaPayloadLimit-400<<10; i++ {
		batch6MB = append(batch6MB, elem(i, 260<<10)) // ~133,000 zeros: just under 400 KB as DynamoDB counts
	}
	// Items under 400,000 bytes: moto_server's item limit (DynamoDB's is
	// 400 KB, 409,600).
	var written, writtenLists []string
	for i := range 10 {
		written = append(written, fmt.Sprintf(`{"category":"MemoryWritten","item":"%d","s":"%s"}`, i, strings.Repeat("x", 390<<10)))
		writtenLists = append(writtenLists, fmt.Sprintf(`{"category":"MemoryWrittenLists","item":"%d","l":%s}`, i, zeros(260_000)))
	}
	return []struct{ name, payload, wantErrorType string }{
		{"6 MB of [0,0,...]", zeros(lambdaPayloadLimit - 64), "InvalidEventError"},
		{"6 MB item of a list of 0s", `{"category":"Memory","item":"list","l":` + zeros(lambdaPayloadLimit-64) + `}`, "InvalidEventError"},
		{"6 MB item of one string", `{"category":"Memory","item":"string","s":"` + strings.Repeat("x", lambdaPayloadLimit-64) + `"}`, "InvalidEventError"},
		{"6 MB batch of lists of 0s", "[" + strings.Join(batch6MB, ",") + "]", "InvalidEventError"},
		{"4 MB batch of 10 items of 390 KB strings, written", "[" + strings.Join(written, ",") + "]", ""},
		{"3.9 MB batch (as DynamoDB counts) of 10 lists of 130,000 0s, written", "[" + strings.Join(writtenLists, ",") + "]", ""},
	}
}

// TestE2EPeakMemoryOnTheLargestPayloads sends each payload to one function
// and checks that its bootstrap's peak resident memory stays under the
// function's 128 MB. It has a moto_server of its own: megabytes of
// transactions would hold up the other tests' calls to the shared one.
// cmd/bench reads the "peak memory" line.
func TestE2EPeakMemoryOnTheLargestPayloads(t *testing.T) {
	t.Parallel()
	localStack(t) // builds the binaries
	moto, err := lambdalocal.StartMoto(t.Context(), local.stack.Moto.AccountID, &local.logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { moto.Stop() })
	if err := moto.CreateTable(t.Context(), e2eTableARN); err != nil {
		t.Fatal(err)
	}
	proxy := newFaultProxy(t, moto.URL)
	fn, _ := startWriter(t, proxy.URL, fmt.Sprintf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%d", functionMemory>>20))
	mustSucceed(t, invoke(t, fn, `{"category":"Memory","item":"warm"}`))
	start, err := fn.PeakMemory()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range largestPayloads() {
		if len(p.payload) > lambdaPayloadLimit {
			t.Fatalf("%s: %d bytes, over Lambda's limit", p.name, len(p.payload))
		}
		res := invoke(t, fn, p.payload)
		if res.ErrorType != p.wantErrorType {
			t.Errorf("%s: response %.1500s, want error type %q", p.name, res.Payload, p.wantErrorType)
		}
		peak, err := fn.PeakMemory()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s (%d bytes): %s", p.name, len(p.payload), res.ErrorType)
		t.Logf("peak memory after it: %d bytes", peak)
	}
	peak, _ := fn.PeakMemory()
	t.Logf("peak memory: %d bytes (after one small write: %d bytes)", peak, start)
	if peak >= functionMemory {
		t.Errorf("peak resident memory %d MB, want under the function's %d MB", peak>>20, functionMemory>>20)
	}
}

// TestE2EQueuePeakMemoryOnTheLargestEvent sends a queue writer an SQS
// event of messages just under 6 MB together, each a batch of three items
// with lists of 130,000 0s (about 780 KB, under SQS's 1 MiB for a body):
// the messages are decoded one after another, so the peak stays under the
// function's 128 MB. Its DynamoDB endpoint reads each request and answers
// success without storing anything: moto_server takes minutes for
// megabytes of transactions, and what is measured is the function's side.
func TestE2EQueuePeakMemoryOnTheLargestEvent(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	var requests atomic.Int64
	db := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		requests.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		io.WriteString(w, "{}")
	}))
	t.Cleanup(db.Close)
	dlq, err := stack.Moto.CreateQueue(t.Context(), lambdalocal.FunctionRegion, "writer-e2e-memory-dlq", nil)
	if err != nil {
		t.Fatal(err)
	}
	env := append(lambdalocal.QueueEnv(dlq, stack.Moto.URL), fmt.Sprintf("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=%d", functionMemory>>20))
	fn, _ := startWriter(t, db.URL, env...)
	var bodies []string
	for m := 0; ; m++ {
		var items []string
		for i := range 3 {
			items = append(items, fmt.Sprintf(`{"category":"QueueMemory","item":"%d-%d","l":%s}`, m, i, zeros(260_000)))
		}
		body := "[" + strings.Join(items, ",") + "]"
		if len(sqsEventOf(t, append(bodies, body)...)) > lambdaPayloadLimit {
			break
		}
		bodies = append(bodies, body)
	}
	event := sqsEventOf(t, bodies...)
	if got := listed(t, invoke(t, fn, event)); len(got) != 0 {
		t.Errorf("listed %v, want every message written", got)
	}
	if got := requests.Load(); got != int64(len(bodies)) {
		t.Errorf("%d requests to DynamoDB, want one transaction per message (%d)", got, len(bodies))
	}
	peak, err := fn.PeakMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("an SQS event of %d messages, %d bytes: peak memory %d bytes", len(bodies), len(event), peak)
	if peak >= functionMemory {
		t.Errorf("peak resident memory %d MB, want under the function's %d MB", peak>>20, functionMemory>>20)
	}
}
