package main

// End-to-end tests of strict decoding: what a lenient decoder would change
// (invalid UTF-8 turned into U+FFFD, duplicate names resolved last-wins) is
// refused through the emulator, before anything is written.

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

func TestE2EInvalidUTF8IsRefused(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	fn, logs := startWriter(t, stack.Moto.URL)
	tests := []struct {
		name, payload, wantMessage string
	}{
		{"surrogate in a key", `{"category":"UTF8","item":"k\udc80"}`, "invalid event: item: a string in the value is not valid UTF-8"},
		{"another surrogate in the same key", `{"category":"UTF8","item":"k\udc81"}`, "invalid event: item: a string in the value is not valid UTF-8"},
		{"surrogate in a value", `{"category":"UTF8","item":"v","note":"\ud800"}`, "invalid event: note: a string in the value is not valid UTF-8"},
		{"raw byte in a value", "{\"category\":\"UTF8\",\"item\":\"raw\",\"note\":\"\xff\"}", "invalid event: note: a string in the value is not valid UTF-8"},
		{"raw byte in a key", "{\"category\":\"UTF8\",\"item\":\"raw\xc3\"}", "invalid event: item: a string in the value is not valid UTF-8"},
		{"surrogate in a name", `{"category":"UTF8","item":"name","n\udc80":1}`, "invalid event: an attribute name at byte"},
		{"raw byte in a name", "{\"category\":\"UTF8\",\"item\":\"name\",\"n\xff\":1}", "invalid event: an attribute name at byte"},
		{"raw byte in a nested name", "{\"category\":\"UTF8\",\"item\":\"nested\",\"m\":{\"a\xff\":1}}", "invalid event: m: a name inside the value is not valid UTF-8"},
	}
	for _, tt := range tests {
		res := invoke(t, fn, tt.payload)
		if res.ErrorType != "InvalidEventError" || !strings.HasPrefix(res.ErrorMessage, tt.wantMessage) {
			t.Errorf("%s: response = %s, want an InvalidEventError starting %q", tt.name, res.Payload, tt.wantMessage)
		}
	}
	if got := countCategory(t, "UTF8"); got != 0 {
		t.Errorf("%d items stored from refused events, want none", got)
	}
	loggedOnce(t, logs, "InvalidEventError", len(tests))
}

func TestE2EDuplicateNamesAreRefused(t *testing.T) {
	t.Parallel()
	stack := localStack(t)
	fn, logs := startWriter(t, stack.Moto.URL)
	mustSucceed(t, invoke(t, fn, `{"category":"Dup","item":"existing","version":1}`))
	existing := getItem(t, stack, "Dup", "existing")

	tests := []struct {
		name, payload, wantMessage string
	}{
		{"sort key", `{"category":"Dup","item":"A","item":"B"}`, "invalid event: item: given more than once"},
		{"partition key", `{"category":"Dup","category":"Other","item":"A"}`, "invalid event: category: given more than once"},
		{"attribute", `{"category":"Dup","item":"A","n":1,"n":2}`, "invalid event: n: given more than once"},
		{"nested name", `{"category":"Dup","item":"A","m":{"x":{"a":1,"a":2}}}`, "invalid event: m: a map inside the value has the same name more than once"},
		{"overwrite", `{"category":"Dup","item":"existing","version":2,"overwrite":false,"overwrite":true}`, "invalid event: overwrite: given more than once"},
	}
	for _, tt := range tests {
		res := invoke(t, fn, tt.payload)
		if res.ErrorType != "InvalidEventError" || !strings.HasPrefix(res.ErrorMessage, tt.wantMessage) {
			t.Errorf("%s: response = %s, want an InvalidEventError starting %q", tt.name, res.Payload, tt.wantMessage)
		}
	}
	if got := getItem(t, stack, "Dup", "existing"); !reflect.DeepEqual(got, existing) {
		t.Errorf("duplicate overwrite changed the item: %v, was %v", got, existing)
	}
	if got := countCategory(t, "Dup"); got != 1 {
		t.Errorf("%d items in category Dup, want only the existing one", got)
	}
	loggedOnce(t, logs, "InvalidEventError", len(tests))
}

// countCategory counts the stored items of one partition.
func countCategory(t *testing.T, category string) int {
	t.Helper()
	stack := localStack(t)
	out, err := stack.DB.Query(t.Context(), &dynamodb.QueryInput{
		TableName:                 &stack.TableARN,
		KeyConditionExpression:    new("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": tablespec.PartitionKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(category)},
		ConsistentRead:            new(true),
	})
	if err != nil {
		t.Fatalf("query %s: %v", category, err)
	}
	return int(out.Count)
}
