package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// batchBench is the go test command that runs the batch benchmarks, whose
// rounds alternate their two halves.
var batchBench = []string{"test", "-count=1", "-run", "^$", "-bench", "^(BenchmarkBatchInvoke|BenchmarkBatchWrite)$", "-benchtime", "20x", "./runtime/writer"}

// memoryTest is the go test command that sends the largest payloads to one
// function and logs its peak memory.
var memoryTest = []string{"test", "-count=1", "-v", "-run", "^TestE2EPeakMemoryOnTheLargestPayloads$", "./runtime/writer"}

// functionMemoryMB is the writer's memory size in WriterStack.
const functionMemoryMB = 128

// batch compares one invocation of a 100-item batch with 100 single-item
// invocations under the emulator (items per second), and the handler's
// batch path with a bare TransactWriteItems in process.
func (b *bench) batch(ctx context.Context) error {
	out, err := b.goTest(ctx, batchBench)
	if err != nil {
		return err
	}
	inv, err := parseRounds(out, "BenchmarkBatchInvoke", "batch", "singles", "bare")
	if err != nil {
		return err
	}
	wr, err := parseRounds(out, "BenchmarkBatchWrite", "handler", "bare")
	if err != nil {
		return err
	}
	// Both halves write 100 items per op, so the ratio of their times is
	// the inverse of their items per second: the floor here is the batch.
	command := "go " + strings.Join(batchBench, " ")
	b.rows = append(b.rows, row{
		what: "items/s: one invocation of 100 items vs 100 single-item invocations, under the emulator (ratio: the singles' time over the batch's)", unit: "ms per 100 items",
		project: median(inv["singles"].micros) / 1000, floor: median(inv["batch"].micros) / 1000, atLeast: 20,
		command: command,
	}, row{
		what: "breakdown: the same 100 single-item invocations vs a bare TransactWriteItems of 100 items sent straight to moto_server (the most any batch could gain here)", unit: "ms per 100 items",
		project: median(inv["singles"].micros) / 1000, floor: median(inv["bare"].micros) / 1000,
		command: command,
	}, row{
		what: "per batch of 100: handler path vs bare TransactWriteItems, same moto_server", unit: "ms",
		project: median(wr["handler"].micros) / 1000, floor: median(wr["bare"].micros) / 1000, limit: 1.15,
		command: command,
	})
	ratio := median(inv["singles"].micros) / median(inv["batch"].micros)
	met := "met"
	if ratio < 20 {
		met = "NOT met"
	}
	b.notes = append(b.notes,
		fmt.Sprintf("items/s, batch against singles: %.1f× (target at least 20×: %s); every round (singles / batch, ms per 100 items): %s; bare TransactWriteItems, ms: %s",
			ratio, met, pairs(scale(inv["singles"].micros, 1e-3), scale(inv["batch"].micros, 1e-3)), list(scale(inv["bare"].micros, 1e-3))),
		fmt.Sprintf("per batch of 100, allocations per item: handler path %.1f (%.0f B), bare TransactWriteItems %.1f (%.0f B); every round (handler / bare, ms): %s",
			median(wr["handler"].allocs)/100, median(wr["handler"].bytes)/100, median(wr["bare"].allocs)/100, median(wr["bare"].bytes)/100,
			pairs(scale(wr["handler"].micros, 1e-3), scale(wr["bare"].micros, 1e-3))))
	return nil
}

// memory runs the peak-memory test and compares the bootstrap's peak
// resident memory with the function's memory size.
func (b *bench) memory(ctx context.Context) error {
	out, err := b.goTest(ctx, memoryTest)
	if err != nil {
		return err
	}
	peak, err := parsePeakMemory(out)
	if err != nil {
		return err
	}
	b.rows = append(b.rows, row{
		what: "peak resident memory of the bootstrap over the largest payloads (6 MB refused, 4 MB batches written) vs the function's memory", unit: "MB",
		project: float64(peak) / (1 << 20), floor: functionMemoryMB, limit: 1,
		command: "go " + strings.Join(memoryTest, " "),
	})
	return nil
}

// goTest runs go with args in the module root, with CI=true so that a
// missing moto_server fails instead of skipping.
func (b *bench) goTest(ctx context.Context, args []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = b.root
	cmd.Env = append(os.Environ(), "CI=true")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out.Bytes())
	}
	return out.Bytes(), nil
}

// parsePeakMemory reads the test's line "peak memory: N bytes ...".
func parsePeakMemory(out []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		_, rest, ok := strings.Cut(sc.Text(), "peak memory: ")
		if !ok {
			continue
		}
		if f := strings.Fields(rest); len(f) > 0 {
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no peak memory line in:\n%s", out)
}

func scale(xs []float64, k float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * k
	}
	return out
}

// list formats measurements as "a, b, c".
func list(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf("%.3g", x)
	}
	return strings.Join(s, ", ")
}
