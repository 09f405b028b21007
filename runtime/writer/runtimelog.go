package main

import (
	"encoding/json"
	"io"
)

// handlerErrorTypes are the errors Handler.Invoke returns, each after
// logging its own record.
var handlerErrorTypes = map[string]bool{
	"InvalidEventError":   true,
	"ItemExistsError":     true,
	"WriteError":          true,
	"OutcomeUnknownError": true,
}

// dropHandlerErrors is the standard logger's output. aws-lambda-go (v1.55)
// writes, with log.Printf, the JSON error document of every failed
// invocation before it reports it to Lambda; there is no option to turn that
// off. The handler logs one record per invocation without attribute names,
// so the document of an error it returned is dropped here; everything else
// aws-lambda-go logs (a panic's document with its stack trace, its own
// warnings) goes to w.
type dropHandlerErrors struct {
	w io.Writer
}

func (d *dropHandlerErrors) Write(p []byte) (int, error) {
	var doc struct {
		ErrorType  string `json:"errorType"`
		StackTrace []any  `json:"stackTrace"`
	}
	if json.Unmarshal(p, &doc) == nil && handlerErrorTypes[doc.ErrorType] && doc.StackTrace == nil {
		return len(p), nil
	}
	return d.w.Write(p)
}
