package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestWriteDigestTellsWritesApart(t *testing.T) {
	t.Parallel()
	type item = map[string]types.AttributeValue
	l := func(vs ...types.AttributeValue) types.AttributeValue { return &types.AttributeValueMemberL{Value: vs} }
	m := func(k string, v types.AttributeValue) types.AttributeValue {
		return &types.AttributeValueMemberM{Value: item{k: v}}
	}
	different := []struct {
		name string
		a, b item
	}{
		{"name and value boundary", item{"a": s("bc")}, item{"ab": s("c")}},
		{"string and number", item{"a": s("1")}, item{"a": n("1")}},
		{"number values", item{"a": n("1")}, item{"a": n("2")}},
		{"empty list and empty map", item{"a": l()}, item{"a": &types.AttributeValueMemberM{Value: item{}}}},
		{"list nesting", item{"a": l(l(s("x")), s("y"))}, item{"a": l(l(s("x"), s("y")))}},
		{"map nesting", item{"a": m("k", m("l", s("v")))}, item{"a": m("k", m("l", s("w")))}},
		{"null and false", item{"a": &types.AttributeValueMemberNULL{Value: true}}, item{"a": &types.AttributeValueMemberBOOL{}}},
		{"an attribute more", item{"a": s("x")}, item{"a": s("x"), "b": s("x")}},
	}
	for _, tt := range different {
		if writeDigest(tt.a, true) == writeDigest(tt.b, true) {
			t.Errorf("%s: %v and %v have the same digest", tt.name, tt.a, tt.b)
		}
	}
	stamped := func(tm string) item { return item{"k": s("v"), timeAttr: s(tm)} }
	if writeDigest(stamped("t1"), false) != writeDigest(stamped("t2"), false) {
		t.Error("a stamped time changes the digest of an event that carried none")
	}
	if writeDigest(stamped("t1"), true) == writeDigest(stamped("t2"), true) {
		t.Error("the event's own time is not in the digest")
	}
	if writeDigest(stamped("t1"), true) == writeDigest(stamped("t1"), false) {
		t.Error("whether the event carried its time is not in the digest")
	}
	withDigest := stamped("t1")
	withDigest[digestAttr] = s("v1:old")
	if writeDigest(withDigest, true) != writeDigest(stamped("t1"), true) {
		t.Error("the digest attribute itself is in the digest")
	}
	if writeDigest(item{"n": n("1.50")}, true) != writeDigest(item{"n": n("15E-1")}, true) {
		t.Error("numbers equal by value have different digests")
	}
}
