package stacks

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// TestRegionsMatchRegionInfo keeps config.Regions, the copy the offline
// commands use, equal to aws-cdk-lib's region facts, which the app uses.
func TestRegionsMatchRegionInfo(t *testing.T) {
	facts := KnownRegions()
	if maps.Equal(facts, config.Regions) {
		return
	}
	var b strings.Builder
	for _, r := range slices.Sorted(maps.Keys(facts)) {
		fmt.Fprintf(&b, "\t%q: %q,\n", r, facts[r])
	}
	t.Errorf("config.Regions differs from aws-cdk-lib's region facts; replace its entries with:\n%s", b.String())
}
