package stacks

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/regioninfo"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

// regionFacts reads aws-cdk-lib's region facts: each region's partition,
// and each partition's DNS suffix.
func regionFacts() (partitions, suffixes map[string]string) {
	partitions, suffixes = map[string]string{}, map[string]string{}
	for _, r := range *regioninfo.Fact_Regions() {
		info := regioninfo.RegionInfo_Get(r)
		partition := "aws"
		if p := info.Partition(); p != nil {
			partition = *p
		}
		partitions[*r] = partition
		if s := info.DomainSuffix(); s != nil {
			suffixes[partition] = *s
		}
	}
	return partitions, suffixes
}

// knownRegions is aws-cdk-lib's region-to-partition table, for tests that
// read the configuration the way the app would with the facts themselves.
func knownRegions() map[string]string {
	partitions, _ := regionFacts()
	return partitions
}

// TestRegionsMatchRegionInfo keeps config.Regions and config.DNSSuffixes,
// the copies the app and the offline commands use, equal to aws-cdk-lib's
// region facts.
func TestRegionsMatchRegionInfo(t *testing.T) {
	partitions, suffixes := regionFacts()
	for _, c := range []struct {
		name       string
		facts, got map[string]string
	}{{"config.Regions", partitions, config.Regions}, {"config.DNSSuffixes", suffixes, config.DNSSuffixes}} {
		if maps.Equal(c.facts, c.got) {
			continue
		}
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(c.facts)) {
			fmt.Fprintf(&b, "\t%q: %q,\n", k, c.facts[k])
		}
		t.Errorf("%s differs from aws-cdk-lib's region facts; replace its entries with:\n%s", c.name, b.String())
	}
}
