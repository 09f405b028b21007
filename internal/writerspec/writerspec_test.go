package writerspec

import (
	"strings"
	"testing"
)

func TestHasFunction(t *testing.T) {
	t.Parallel()
	for actions, want := range map[string]bool{
		"dynamodb:PutItem":                  true,
		"dynamodb:GetItem,dynamodb:PutItem": true,
		"DynamoDB:putitem":                  true, // IAM actions ignore case
		"dynamodb:GetItem,dynamodb:Query":   false,
		"dynamodb:PutItems":                 false,
	} {
		if got := HasFunction(strings.Split(actions, ",")); got != want {
			t.Errorf("HasFunction(%s) = %v, want %v", actions, got, want)
		}
	}
}
