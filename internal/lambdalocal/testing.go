package lambdalocal

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// SyncBuffer collects the output of several processes at once.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// RequireMoto skips an end-to-end test when moto_server is missing, or, with
// CI=true, fails it: in CI a missing service is a failure, never a skip.
func RequireMoto(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("end-to-end test: skipped in -short mode")
	}
	RequireTools(tb, "moto_server")
}

// RequireTools skips a test when one of the named programs is not on PATH,
// or, with CI=true, fails it, naming the program.
func RequireTools(tb testing.TB, names ...string) {
	tb.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err == nil {
			continue
		}
		msg := name + " is not installed"
		if name == "moto_server" {
			msg = ErrMotoMissing.Error()
		}
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + " (CI=true: this test must run)")
		}
		tb.Skip(msg + " (set CI=true to make this a failure)")
	}
}
