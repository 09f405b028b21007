package main

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// The decoder refuses what encoding/json would silently change: invalid
// UTF-8 and unpaired surrogates (replaced by U+FFFD, so that two different
// keys collide) and duplicate names (the last one wins).
func TestInvokeRejectsWhatALenientDecoderWouldChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload, wantField, wantRule string
	}{
		{"lone surrogate in a key", `{"category":"c","item":"k\udc80"}`, "item", "a string in the value is not valid UTF-8"},
		{"lone high surrogate in a value", `{"category":"c","item":"k","note":"\ud800x"}`, "note", "not valid UTF-8"},
		{"invalid byte in a value", "{\"category\":\"c\",\"item\":\"k\",\"note\":\"a\xffb\"}", "note", "a string in the value is not valid UTF-8"},
		{"invalid byte in a key", "{\"category\":\"c\xc3\",\"item\":\"k\"}", "category", "not valid UTF-8"},
		{"invalid byte in an attribute name", "{\"category\":\"c\",\"item\":\"k\",\"n\xff\":1}", "", "an attribute name at byte 29 is not valid UTF-8"},
		{"lone surrogate in an attribute name", `{"category":"c","item":"k","n\udc80":1}`, "", "an attribute name at byte"},
		{"invalid byte in a nested name", "{\"category\":\"c\",\"item\":\"k\",\"m\":{\"a\xff\":1}}", "m", "a name inside the value is not valid UTF-8"},
		{"lone surrogate deep in a list", `{"category":"c","item":"k","l":[1,{"a":["\udfff"]}]}`, "l", "a string in the value is not valid UTF-8"},
		{"duplicate key", `{"item":"A","category":"c","item":"B"}`, "item", "given more than once"},
		{"duplicate partition key", `{"category":"a","category":"b","item":"x"}`, "category", "given more than once"},
		{"duplicate overwrite", `{"category":"c","item":"x","overwrite":false,"overwrite":true}`, "overwrite", "given more than once"},
		{"duplicate attribute", `{"category":"c","item":"x","n":1,"n":1}`, "n", "given more than once"},
		{"duplicate nested name", `{"category":"c","item":"x","m":{"a":{"b":1,"b":2}}}`, "m", "a map inside the value has the same name more than once"},
		{"duplicate name in a map in a list", `{"category":"c","item":"x","l":[{"a":1,"a":1}]}`, "l", "same name more than once"},
		{"syntax error in a value", `{"category":"c","item":"x","n":tru}`, "n", "not valid JSON at byte"},
		{"unexpected end", `{"category":"c"`, "", "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := &fakeDB{}
			_, err := newTestHandler(db, nil).Invoke(context.Background(), []byte(tt.payload))
			var invalid *InvalidEventError
			if !errors.As(err, &invalid) {
				t.Fatalf("Invoke(%q) = %v; want an InvalidEventError", tt.payload, err)
			}
			if invalid.Field != tt.wantField || !strings.Contains(invalid.Rule, tt.wantRule) {
				t.Errorf("error = %q (field %q), want field %q and a rule containing %q", err, invalid.Field, tt.wantField, tt.wantRule)
			}
			if len(db.calls) != 0 {
				t.Errorf("PutItem called for a refused event")
			}
		})
	}
}

// The rules never quote the event: the decoder's own messages do (`\udc80"}`),
// and the rule goes to the log.
func TestDecodeErrorsDoNotQuoteTheEvent(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{
		`{"category":"c","item":"secret-value\udc80"}`,
		`{"category":"c","item":"x","note":secret-value}`,
		`{"category":"c","item":"x","m":{"secret-value":1,"secret-value":2}}`,
	} {
		_, err := parseEvent([]byte(payload), false)
		var invalid *InvalidEventError
		if !errors.As(err, &invalid) {
			t.Fatalf("parseEvent(%s) = %v, want an InvalidEventError", payload, err)
		}
		if strings.Contains(invalid.Rule, "secret") {
			t.Errorf("rule %q quotes the event %s", invalid.Rule, payload)
		}
	}
}

func TestParseEventKeepsValidUnicode(t *testing.T) {
	t.Parallel()
	ev, err := parseEvent([]byte(`{"category":"caf\u00e9","item":"\ud83c\udf4e","n\u00e4me":"ok"}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if ev.key != (Key{"café", "🍎"}) {
		t.Errorf("key = %+v, want café/🍎", ev.key)
	}
	if _, ok := ev.item["näme"]; !ok {
		t.Errorf("item = %v, want the attribute näme", ev.item)
	}
}
