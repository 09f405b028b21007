package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// writeBench is the go test command that runs BenchmarkWrite, whose rounds
// alternate the handler's path and a bare PutItem.
var writeBench = []string{"test", "-count=1", "-run", "^$", "-bench", "^BenchmarkWrite$", "-benchtime", "100x", "./runtime/writer"}

// write runs BenchmarkWrite and compares the medians of its two halves.
func (b *bench) write(ctx context.Context) error {
	out, err := b.goTest(ctx, writeBench)
	if err != nil {
		return err
	}
	results, err := parseWriteBench(out)
	if err != nil {
		return err
	}
	h, bare := results["handler"], results["bare"]
	b.rows = append(b.rows, row{
		what: "per write: handler path vs bare PutItem, same moto_server", unit: "µs",
		project: median(h.micros), floor: median(bare.micros), limit: 1.1,
		command: "go " + strings.Join(writeBench, " "),
	})
	b.notes = append(b.notes, fmt.Sprintf("per write, allocations: handler path %.0f allocs (%.0f B), bare PutItem %.0f allocs (%.0f B); every round (handler / bare, µs): %s",
		median(h.allocs), median(h.bytes), median(bare.allocs), median(bare.bytes), pairs(h.micros, bare.micros)))
	return nil
}

// writeResults are one half's measurements, one per round.
type writeResults struct {
	micros, bytes, allocs []float64
}

// parseWriteBench reads lines such as
//
//	BenchmarkWrite/round=1/handler-2  100  5103370 ns/op  45564 B/op  462 allocs/op
func parseWriteBench(out []byte) (map[string]*writeResults, error) {
	return parseRounds(out, "BenchmarkWrite", "handler", "bare")
}

// parseRounds reads the lines of benchmark's rounds, each named
// benchmark/round=N/half, for the halves named; ns/op, and B/op and
// allocs/op where reported.
func parseRounds(out []byte, benchmark string, halves ...string) (map[string]*writeResults, error) {
	results := map[string]*writeResults{}
	for _, h := range halves {
		results[h] = &writeResults{}
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], benchmark+"/round=") {
			continue
		}
		// The last element, without the -GOMAXPROCS suffix.
		name, _, _ := strings.Cut(f[0][strings.LastIndex(f[0], "/")+1:], "-")
		r, ok := results[name]
		if !ok {
			continue
		}
		var v [3]float64
		for i, idx := range []int{2, 4, 6} {
			if idx >= len(f) {
				break
			}
			x, err := strconv.ParseFloat(f[idx], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %v", sc.Text(), err)
			}
			v[i] = x
		}
		r.micros, r.bytes, r.allocs = append(r.micros, v[0]/1000), append(r.bytes, v[1]), append(r.allocs, v[2])
	}
	for _, h := range halves {
		if len(results[h].micros) == 0 {
			return nil, fmt.Errorf("no %s results for %s in:\n%s", benchmark, h, out)
		}
	}
	return results, nil
}
