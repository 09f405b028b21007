package main

import (
	"fmt"
	"testing"
)

func TestWrittenKeysReadsASingleResponseAndABatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ payload, want string }{
		{`{"key":{"category":"Fruit","item":"Apple"},"time":"t"}`, "[map[category:Fruit item:Apple]]"},
		{`[{"key":{"category":"A","item":"1"}},{"key":{"category":"B","item":"2"}}]`, "[map[category:A item:1] map[category:B item:2]]"},
	} {
		keys, err := writtenKeys([]byte(tt.payload))
		if err != nil || fmt.Sprint(keys) != tt.want {
			t.Errorf("writtenKeys(%s) = %v, %v; want %s", tt.payload, keys, err, tt.want)
		}
	}
	if _, err := writtenKeys([]byte(`"ok"`)); err == nil {
		t.Error(`writtenKeys("ok"): want an error`)
	}
}
