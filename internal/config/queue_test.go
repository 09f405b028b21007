package config

import (
	"strings"
	"testing"
)

func TestQueueWriterDefaults(t *testing.T) {
	t.Parallel()
	// GIVEN a queue writer that sets no queue settings
	writers := `[{"name":"Writer","account":"222222222222","roleName":"r","source":"queue"}]`
	cfg, err := FromContext(withContext(defaultContext(t), KeyWriters, writers), Regions)
	if err != nil {
		t.Fatal(err)
	}
	// THEN it gets the default settings and a queue named after its role
	w := cfg.Writers[0]
	if w.Source != SourceQueue || w.Queue == nil || *w.Queue != DefaultQueue {
		t.Errorf("writer = %+v, queue %+v; want source queue with %+v", w, w.Queue, DefaultQueue)
	}
	if got, want := w.QueueArn(), "arn:aws:sqs:us-east-1:222222222222:r-queue"; got != want {
		t.Errorf("queue ARN = %s, want %s", got, want)
	}
}

func TestQueueSettingsKeepDefaultsOfFieldsLeftOut(t *testing.T) {
	t.Parallel()
	// GIVEN a queue writer setting the batch size and an explicit 0 window
	writers := `[{"name":"Writer","account":"222222222222","roleName":"r","source":"queue","queue":{"batchSize":5,"maxBatchingWindowSeconds":0}}]`
	cfg, err := FromContext(withContext(defaultContext(t), KeyWriters, writers), Regions)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultQueue
	want.BatchSize = 5
	if got := *cfg.Writers[0].Queue; got != want {
		t.Errorf("queue = %+v, want %+v", got, want)
	}
}

func TestInvokeWriterHasNoQueue(t *testing.T) {
	t.Parallel()
	cfg, err := FromContext(defaultContext(t), Regions)
	if err != nil {
		t.Fatal(err)
	}
	if w := cfg.Writers[0]; w.Source != SourceInvoke || w.Queue != nil || cfg.Grants()[0].QueueArn != "" {
		t.Errorf("writer = %+v, grant %+v; want source invoke, no queue", w, cfg.Grants()[0])
	}
}

func TestQueueErrors(t *testing.T) {
	t.Parallel()
	writer := func(fields string) string {
		return `[{"name":"Writer","account":"222222222222","roleName":"r"` + fields + `}]`
	}
	queue := func(settings string) string { return writer(`,"source":"queue","queue":{` + settings + `}`) }
	cases := []struct {
		name    string
		writers string
		want    []string
	}{
		{"unknown source", writer(`,"source":"sqs"`), []string{`writers[0].source: got "sqs", want "invoke" (the default) or "queue"`}},
		{"source of the wrong type", writer(`,"source":1`), []string{"writers[0]: source: got number, want string"}},
		{"queue settings on an invoke writer", writer(`,"queue":{"batchSize":5}`), []string{`writers[0].queue: set, but source is "invoke"; queue settings apply to "source": "queue" only`}},
		{"queue writer without PutItem", writer(`,"source":"queue","actions":["dynamodb:GetItem"]`),
			[]string{`writers[0].source: got "queue", but actions lack dynamodb:PutItem`}},
		{"role name SQS refuses", `[{"name":"Writer","account":"222222222222","roleName":"a.b","source":"queue"}]`,
			[]string{`writers[0].roleName: got "a.b": a queue writer's queue is named <roleName>-queue`}},
		{"batch size 0", queue(`"batchSize":0`), []string{"writers[0].queue.batchSize: got 0, want 1 to 10000"}},
		{"batch size too large", queue(`"batchSize":10001,"maxBatchingWindowSeconds":1`), []string{"writers[0].queue.batchSize: got 10001, want 1 to 10000"}},
		{"batch size over 10 without a window", queue(`"batchSize":11`),
			[]string{"writers[0].queue.batchSize: got 11 with maxBatchingWindowSeconds 0; above 10, Lambda needs maxBatchingWindowSeconds of at least 1"}},
		{"window too long", queue(`"maxBatchingWindowSeconds":301`), []string{"writers[0].queue.maxBatchingWindowSeconds: got 301, want 0 to 300"}},
		{"concurrency 1", queue(`"maxConcurrency":1`), []string{"writers[0].queue.maxConcurrency: got 1, want 2 to 1000"}},
		{"receive count 0", queue(`"maxReceiveCount":0`), []string{"writers[0].queue.maxReceiveCount: got 0, want 1 to 1000"}},
		{"unknown queue field", queue(`"batchWindow":5`), []string{`writers[0]: queue: unknown field "batchWindow"; known fields: batchSize, maxBatchingWindowSeconds, maxConcurrency, maxReceiveCount`}},
		{"queue field of the wrong type", queue(`"batchSize":"5"`), []string{"writers[0]: queue.batchSize: got string, want int"}},
		{"every problem at once", queue(`"batchSize":0,"maxConcurrency":0,"maxReceiveCount":0`),
			[]string{"queue.batchSize: got 0", "queue.maxConcurrency: got 0", "queue.maxReceiveCount: got 0"}},
		{"unknown writer field names source and queue", writer(`,"sourse":"queue"`),
			[]string{`writers[0]: unknown field "sourse"; known fields: name, account, region, roleName, actions, source, queue`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := FromContext(withContext(defaultContext(t), KeyWriters, tc.writers), Regions)
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, want)
				}
			}
		})
	}
}
