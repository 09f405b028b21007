package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// maxBatchItems is DynamoDB's limit on the actions of one
// TransactWriteItems.
const maxBatchItems = 100

// isBatch reports whether the payload is a JSON array: a batch. Anything
// else is a single-item event (and, if not an object, refused as one).
func isBatch(payload []byte) bool {
	p := bytes.TrimLeft(payload, " \t\r\n")
	return len(p) > 0 && p[0] == '['
}

// parseBatch decodes a batch: a JSON array of 1 to 100 single-item events,
// each decoded and checked as parseEvent does, with distinct keys. The size
// limits (400 KB an item, 4 MB the batch) and the element count are
// enforced while decoding, so that decoding stops at the first element over
// one of them. Errors name the element's index.
func parseBatch(payload []byte, sample bool) ([]*event, error) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(payload))
	if _, err := dec.ReadToken(); err != nil {
		return nil, inBatch(-1, decodeError(err, false, 0))
	}
	var (
		events []*event
		total  int
		seen   = map[Key]int{}
	)
	for dec.PeekKind() != ']' {
		i := len(events)
		if i == maxBatchItems {
			return nil, inBatch(-1, &InvalidEventError{Rule: fmt.Sprintf("more than %d elements; a transaction writes at most %d items", maxBatchItems, maxBatchItems)})
		}
		item, err := decodeObject(dec, &budget{total: &total}, 1)
		if err != nil {
			return nil, inBatch(i, err)
		}
		ev, err := checkEvent(item, sample)
		if err != nil {
			return nil, inBatch(i, err)
		}
		if j, dup := seen[ev.key]; dup {
			return nil, inBatch(i, &InvalidEventError{Rule: fmt.Sprintf("same key as element [%d]; a transaction writes each item once", j)})
		}
		seen[ev.key] = i
		events = append(events, ev)
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, inBatch(-1, decodeError(err, false, 0))
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, inBatch(-1, &InvalidEventError{Rule: "trailing data after the JSON array"})
	}
	if len(events) == 0 {
		return nil, inBatch(-1, &InvalidEventError{Rule: fmt.Sprintf("an empty batch; want 1 to %d items", maxBatchItems)})
	}
	return events, nil
}

// inBatch marks an InvalidEventError as the batch's, at element i (-1 for
// the batch as a whole).
func inBatch(i int, err error) error {
	var invalid *InvalidEventError
	if errors.As(err, &invalid) {
		invalid.Batch, invalid.Element = true, i
	}
	return err
}
