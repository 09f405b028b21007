package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBadFlagsChangeNothing: a bad flag is refused with exit 2, naming
// it, before anything is built or started.
func TestBadFlagsChangeNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-event", "{category:Fruit}"}, `-event: "{category:Fruit}" is not JSON`},
		{[]string{"-table-arn", "arn:aws:dynamodb:us-east-1:1:table/t"}, "-table-arn: "},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{`{"category":"Fruit"}`}, "unexpected argument"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) || stdout.Len() != 0 {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2, nothing on stdout, and %q", tc.args, code, stdout.String(), stderr.String(), tc.want)
		}
	}
}
