//go:build !queue

package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
)

// checkQueueBuild: a bootstrap built without the queue tag refuses
// WRITER_SOURCE=queue at start-up, saying how to build one that takes it.
func checkQueueBuild(t *testing.T, h lambda.Handler, err error) {
	t.Helper()
	if h != nil || err == nil || !strings.Contains(err.Error(), "built without the queue mode; build it with -tags queue") {
		t.Errorf("WRITER_SOURCE=queue without the queue build: %T, %v; want an error naming the build tag", h, err)
	}
}
