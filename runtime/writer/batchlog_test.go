package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// A batch invocation logs one record: counts, the outcome, for a failure
// its cause or rule and at most 10 keys; never another attribute's value.
func TestBatchLogsOneRecordWithCountsAndKeysOnly(t *testing.T) {
	t.Parallel()
	const secret = "do-not-log-me"
	var elems []string
	for i := range 12 {
		elems = append(elems, fmt.Sprintf(`{"category":"L","item":"%d","note":"%s"}`, i, secret))
	}
	batch := "[" + strings.Join(elems, ",") + "]"
	allConflict := make([]types.CancellationReason, 12)
	for i := range allConflict {
		allConflict[i] = conditionFailed(map[string]types.AttributeValue{"category": s("L"), "item": s(fmt.Sprint(i)), "note": s("stored")})
	}
	tests := []struct {
		name    string
		payload string
		db      *fakeDB
		want    map[string]any
		keys    int
	}{
		{"written", batch, &fakeDB{}, map[string]any{"level": "INFO", "msg": "batch written", "items": 12.0, "alreadyWritten": 0.0}, 0},
		{"rejected", `[{"category":"L","item":"1","note":"` + secret + `"},{"category":"L","note":"` + secret + `"}]`, &fakeDB{},
			map[string]any{"level": "WARN", "errorType": "InvalidEventError", "element": 1.0, "rule": "missing; want a non-empty string (the table's sort key)"}, 0},
		{"conflicts", batch, &fakeDB{transactErr: []error{cancelled(allConflict...)}},
			map[string]any{"level": "WARN", "errorType": "ItemExistsError", "items": 12.0, "conflicts": 12.0}, maxLoggedKeys},
		{"unknown", batch, &fakeDB{transactErr: []error{apiError(500, &smithy.GenericAPIError{Code: "InternalServerError"})}},
			map[string]any{"level": "ERROR", "errorType": "OutcomeUnknownError", "items": 12.0, "cause": "InternalServerError"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			newTestHandler(tt.db, &logs).Invoke(context.Background(), []byte(tt.payload))
			if strings.Count(logs.String(), "\n") != 1 || strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "stored") {
				t.Fatalf("want one record without attribute values:\n%s", logs.String())
			}
			var rec map[string]any
			if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if rec[k] != v {
					t.Errorf("%s = %v, want %v in %s", k, rec[k], v, logs.String())
				}
			}
			if keys, _ := rec["keys"].([]any); len(keys) != tt.keys {
				t.Errorf("%d keys logged, want %d", len(keys), tt.keys)
			}
		})
	}
}
