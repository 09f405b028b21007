package main

import (
	"context"
	"errors"
	"testing"
)

// A deployed writer (SampleItem off, the default) writes nothing for an
// event without keys: neither the sample nor, with "overwrite": true, over
// it.
func TestInvokeWithoutTheSampleRefusesEventsWithoutKeys(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{`{}`, ``, `{"overwrite":true}`, `[{}]`, `[{"overwrite":true}]`} {
		db := &fakeDB{}
		h := newTestHandler(db, nil)
		h.SampleItem = false
		_, err := h.Invoke(context.Background(), []byte(payload))
		var invalid *InvalidEventError
		if !errors.As(err, &invalid) || invalid.Field != "category" {
			t.Errorf("Invoke(%q) = %v, want an InvalidEventError for the missing category", payload, err)
		}
		if len(db.calls)+len(db.transacts) != 0 {
			t.Errorf("Invoke(%q) called DynamoDB", payload)
		}
	}
}
