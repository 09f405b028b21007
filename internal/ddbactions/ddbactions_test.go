package ddbactions

import (
	"slices"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/iamactions"
)

// TestActionsAreIAMs checks each listed action against the Service
// Authorization Reference: an action IAM does not define on a table could
// never be granted.
func TestActionsAreIAMs(t *testing.T) {
	t.Parallel()
	onTable := iamactions.On(iamactions.DynamoDB, "table")
	for _, list := range [][]string{Item, CrossAccount} {
		for _, a := range list {
			if !slices.Contains(onTable, a) {
				t.Errorf("%s is not an action IAM defines on a DynamoDB table", a)
			}
		}
	}
	for _, a := range CrossAccount {
		if !slices.Contains(Item, a) {
			t.Errorf("%s is in CrossAccount but not in Item", a)
		}
	}
}
