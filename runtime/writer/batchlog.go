package main

import (
	"errors"
	"fmt"
	"log/slog"
)

// maxLoggedKeys bounds the keys one log record holds: a batch's 100 keys
// of up to 3 KB each would pass CloudWatch Logs' 256 KB event limit.
const maxLoggedKeys = 10

// logBatch writes the one record of a batch invocation: how many items, the
// outcome, and for a failure the error's type, its cause or rule, and at
// most maxLoggedKeys keys: never another attribute's name or value.
func (h *Handler) logBatch(log *slog.Logger, resps []Response, err error) {
	var (
		invalid *InvalidEventError
		exists  *ItemExistsError
		failed  *WriteError
		unknown *OutcomeUnknownError
	)
	switch {
	case err == nil:
		already := 0
		for _, r := range resps {
			if r.AlreadyWritten {
				already++
			}
		}
		log.Info("batch written", "table", h.TableARN, "items", len(resps), "alreadyWritten", already)
	case errors.As(err, &invalid):
		log.Warn("event rejected", "errorType", "InvalidEventError", "element", invalid.Element, "rule", invalid.Rule)
	case errors.As(err, &exists):
		log.Warn("items exist with other content", "errorType", "ItemExistsError", "table", h.TableARN,
			"items", exists.Items, "conflicts", len(exists.Keys), "keys", exists.Keys[:min(len(exists.Keys), maxLoggedKeys)])
	case errors.As(err, &failed):
		log.Error("batch write failed; nothing was written", "errorType", "WriteError", "table", h.TableARN,
			"items", failed.Items, "firstKey", failed.Key, "cause", failed.Cause)
	case errors.As(err, &unknown):
		log.Error("batch write failed; the batch may have been written", "errorType", "OutcomeUnknownError", "table", h.TableARN,
			"items", unknown.Items, "firstKey", unknown.Key, "cause", unknown.Cause)
	default:
		log.Error("invocation failed", "errorType", fmt.Sprintf("%T", err))
	}
}
