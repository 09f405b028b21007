package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/regioninfo"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// KnownRegions maps each region name aws-cdk-lib knows to its partition.
func KnownRegions() map[string]string {
	regions := map[string]string{}
	for _, r := range *regioninfo.Fact_Regions() {
		regions[*r] = Partition(*r)
	}
	return regions
}

// Partition is the ARN partition of a region (aws, aws-cn, aws-us-gov, ...),
// as aws-cdk-lib knows it; "aws" for a region it does not know.
func Partition(region string) string {
	if p := regioninfo.RegionInfo_Get(&region).Partition(); p != nil {
		return *p
	}
	return "aws"
}

// TableArn is the table's full ARN. The writer passes it as TableName: with a
// bare name, DynamoDB would look for the table in the writer's own account.
func (c Config) TableArn() string {
	return tablespec.Arn(Partition(c.TableRegion), c.TableRegion, c.TableAccount, c.TableName)
}

// RoleArn is the ARN of w's role. IAM is global: the ARN has no region, but
// its partition is that of the writer's region.
func (w Writer) RoleArn() string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", Partition(w.Region), w.Account, w.RoleName)
}
