package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{7}, 7}, {nil, 0}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseWriteBench(t *testing.T) {
	t.Parallel()
	out := []byte(`goos: linux
BenchmarkWrite/round=1/handler-2         	     100	   5000000 ns/op	   45000 B/op	     462 allocs/op
BenchmarkWrite/round=1/bare-2            	     100	   4000000 ns/op	   41000 B/op	     402 allocs/op
BenchmarkWrite/round=2/handler           	     100	   6000000 ns/op	   45500 B/op	     464 allocs/op
BenchmarkWrite/round=2/bare              	     100	   4500000 ns/op	   41500 B/op	     402 allocs/op
PASS
`)
	r, err := parseWriteBench(out)
	if err != nil {
		t.Fatal(err)
	}
	h, b := r["handler"], r["bare"]
	if len(h.micros) != 2 || h.micros[1] != 6000 || h.allocs[0] != 462 || h.bytes[1] != 45500 {
		t.Errorf("handler = %+v", h)
	}
	if len(b.micros) != 2 || b.micros[0] != 4000 || b.allocs[1] != 402 {
		t.Errorf("bare = %+v", b)
	}
	if _, err := parseWriteBench([]byte("PASS\n")); err == nil {
		t.Error("no benchmark lines: want an error")
	}
}

func TestOrderAlternates(t *testing.T) {
	t.Parallel()
	if a, b := order(0), order(1); a[0] != 0 || b[0] != 1 || len(a) != 2 || len(b) != 2 {
		t.Errorf("order(0) = %v, order(1) = %v; want project first, then floor first", a, b)
	}
}

func TestParseRoundsAndPeakMemory(t *testing.T) {
	t.Parallel()
	out := []byte(`BenchmarkBatchInvoke/round=1/batch-2         	       5	  24050650 ns/op
BenchmarkBatchInvoke/round=1/singles-2       	       5	 436931355 ns/op
    e2e_memory_test.go:81: peak memory: 108859392 bytes (after one small write: 9666560 bytes)
`)
	r, err := parseRounds(out, "BenchmarkBatchInvoke", "batch", "singles")
	if err != nil {
		t.Fatal(err)
	}
	if r["batch"].micros[0] != 24050.65 || r["singles"].micros[0] != 436931.355 {
		t.Errorf("rounds = %+v %+v", r["batch"], r["singles"])
	}
	if _, err := parseRounds(out, "BenchmarkBatchWrite", "handler"); err == nil {
		t.Error("no BenchmarkBatchWrite lines: want an error")
	}
	if peak, err := parsePeakMemory(out); err != nil || peak != 108859392 {
		t.Errorf("parsePeakMemory = %d, %v", peak, err)
	}
}

// TestBadFlagsAreRefused: a bad flag is exit 2, naming it, before any
// measurement starts.
func TestBadFlagsAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-only", "size,speed"}, `-only: "speed" is not a measurement; want some of size,init,write,batch,memory,synth`},
		{[]string{"-rounds", "0"}, "-rounds: got 0, want at least 1"},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, stdout.String(), stderr.String(), tc.want)
		}
	}
}
