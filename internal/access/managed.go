package access

import (
	"fmt"
	"regexp"
)

// awsManagedPolicies holds the documents of the AWS managed policies that
// CDK constructs commonly attach, as published in the AWS Managed Policy
// Reference. None of them grants DynamoDB access.
var awsManagedPolicies = map[string]map[string]any{
	"service-role/AWSLambdaBasicExecutionRole": {
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":   "Allow",
			"Action":   []any{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": "*",
		}},
	},
}

var awsManagedArn = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/(.+)$`)

// awsManagedPolicy returns the statements of a known AWS managed policy.
func awsManagedPolicy(arn string) ([]Statement, error) {
	m := awsManagedArn.FindStringSubmatch(arn)
	if m == nil {
		return nil, fmt.Errorf("managed policy %q is not defined in the templates, so its grants cannot be checked", arn)
	}
	doc, ok := awsManagedPolicies[m[1]]
	if !ok {
		return nil, fmt.Errorf("AWS managed policy %q is not known to the check, so its grants cannot be checked", arn)
	}
	return ParsePolicy(doc, IdentityPolicy, Location{Stack: "aws", Resource: m[1], Policy: "PolicyDocument"})
}
