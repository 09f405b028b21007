package stacks

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/regioninfo"
)

// KnownRegions lists the region names aws-cdk-lib knows.
func KnownRegions() []string {
	var regions []string
	for _, r := range *regioninfo.Fact_Regions() {
		regions = append(regions, *r)
	}
	slices.Sort(regions)
	return regions
}

// partition is the ARN partition of a region: aws, aws-cn, aws-us-gov, ...
func partition(region string) string {
	if p := regioninfo.RegionInfo_Get(&region).Partition(); p != nil {
		return *p
	}
	return "aws"
}

// TableArn is the table's full ARN. The writer passes it as TableName: with a
// bare name, DynamoDB would look for the table in the writer's own account.
func (c Config) TableArn() string {
	return fmt.Sprintf("arn:%s:dynamodb:%s:%s:table/%s", partition(c.TableRegion), c.TableRegion, c.TableAccount, c.TableName)
}

// RoleArn is the ARN of w's role. IAM is global: the ARN has no region, but
// its partition is that of the writer's region.
func (w Writer) RoleArn() string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition(w.Region), w.Account, w.RoleName)
}
