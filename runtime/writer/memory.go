package main

import (
	"runtime/debug"
	"strconv"
)

// memoryShare is the part of the function's memory the Go heap may grow to
// before the garbage collector works to stay under it (a soft limit, see
// debug.SetMemoryLimit). Without one, the heap grows to twice what is live
// before a collection: a 4 MB batch of small list elements holds about
// 40 MB of attribute values and a 13 MB request body, and with GOGC's
// headroom passed the 128 MB the function runs with.
const memoryShare = 0.75

// limitMemory sets the Go runtime's memory limit to memoryShare of the
// function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MB, which Lambda
// sets), unless GOMEMLIMIT sets one already. It returns the limit set, 0
// for none.
func limitMemory(getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	mb, err := strconv.ParseInt(getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), 10, 64)
	if err != nil || mb <= 0 {
		return 0
	}
	limit := int64(float64(mb<<20) * memoryShare)
	debug.SetMemoryLimit(limit)
	return limit
}
