package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/regioninfo"
)

// KnownRegions maps each region name aws-cdk-lib knows to its partition, from
// aws-cdk-lib's region facts: the table the app reads its configuration with.
func KnownRegions() map[string]string {
	regions := map[string]string{}
	for _, r := range *regioninfo.Fact_Regions() {
		partition := "aws"
		if p := regioninfo.RegionInfo_Get(r).Partition(); p != nil {
			partition = *p
		}
		regions[*r] = partition
	}
	return regions
}
