// Package arns builds and reads the ARNs that the app's policies and checks
// name, on the AWS SDK's aws/arn: each format is defined once here.
package arns

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

func build(partition, service, region, account, resource string) string {
	return arn.ARN{Partition: partition, Service: service, Region: region, AccountID: account, Resource: resource}.String()
}

// Role is the ARN of an IAM role with the default path. IAM is global: the
// ARN has no region.
func Role(partition, account, name string) string { return RoleWithPath(partition, account, "/", name) }

// RoleWithPath is the ARN of an IAM role with a path ("/" or
// "/team/").
func RoleWithPath(partition, account, path, name string) string {
	return build(partition, "iam", "", account, "role"+path+name)
}

// ManagedPolicy is the ARN of a customer managed policy with a path.
func ManagedPolicy(partition, account, path, name string) string {
	return build(partition, "iam", "", account, "policy"+path+name)
}

// Root is the ARN of an account's root user: as a policy's principal, the
// whole account, whose identity policies then decide.
func Root(partition, account string) string { return build(partition, "iam", "", account, "root") }

// Table is the full ARN of a DynamoDB table.
func Table(partition, region, account, name string) string {
	return build(partition, "dynamodb", region, account, "table/"+name)
}

// Index is the ARN of an index of the table tableArn.
func Index(tableArn, index string) string { return tableArn + "/index/" + index }

// Key is the ARN of a KMS key by its ID ("*" for every key of the account
// and region).
func Key(partition, region, account, id string) string {
	return build(partition, "kms", region, account, "key/"+id)
}

// Function is the ARN of a Lambda function.
func Function(partition, region, account, name string) string {
	return build(partition, "lambda", region, account, "function:"+name)
}

// Queue is the ARN of an SQS queue.
func Queue(partition, region, account, name string) string {
	return build(partition, "sqs", region, account, name)
}

// Parts are the fields of an ARN; ok is false when s is not one.
func Parts(s string) (a arn.ARN, ok bool) {
	a, err := arn.Parse(s)
	return a, err == nil
}

// Partition is the partition field of an ARN ("aws", "aws-cn", ...), or ""
// when s is not an ARN. Unlike Parts it needs only the partition field, so
// that it also reads patterns and opaque values.
func Partition(s string) string {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ""
	}
	partition, _, _ := strings.Cut(rest, ":")
	return partition
}
