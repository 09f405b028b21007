package main

import (
	"runtime/debug"
	"testing"
)

func TestLimitMemoryTakesAShareOfTheFunctionsMemory(t *testing.T) {
	// Not parallel: the limit is the process's.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tt := range []struct {
		env  map[string]string
		want int64
	}{
		{map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"}, 96 << 20},
		{map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "GOMEMLIMIT": "50MiB"}, 0},
		{map[string]string{"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "x"}, 0},
		{map[string]string{}, 0},
	} {
		got := limitMemory(func(k string) string { return tt.env[k] })
		if got != tt.want {
			t.Errorf("limitMemory(%v) = %d, want %d", tt.env, got, tt.want)
		}
		if got > 0 && debug.SetMemoryLimit(-1) != got {
			t.Errorf("limitMemory(%v) did not set the runtime's limit", tt.env)
		}
	}
}
