package config

// Regions maps each region aws-cdk-lib knows to its partition: a copy of
// its region facts for the commands that must not start the CDK (access,
// verify) and for the app, which would otherwise spend a jsii call per
// region reading the facts at every synth. TestRegionsMatchRegionInfo in
// package stacks reads the facts themselves and fails, printing the new
// table, when the two differ.
var Regions = map[string]string{
	"af-south-1":      "aws",
	"ap-east-1":       "aws",
	"ap-east-2":       "aws",
	"ap-northeast-1":  "aws",
	"ap-northeast-2":  "aws",
	"ap-northeast-3":  "aws",
	"ap-south-1":      "aws",
	"ap-south-2":      "aws",
	"ap-southeast-1":  "aws",
	"ap-southeast-2":  "aws",
	"ap-southeast-3":  "aws",
	"ap-southeast-4":  "aws",
	"ap-southeast-5":  "aws",
	"ap-southeast-6":  "aws",
	"ap-southeast-7":  "aws",
	"ca-central-1":    "aws",
	"ca-west-1":       "aws",
	"cn-north-1":      "aws-cn",
	"cn-northwest-1":  "aws-cn",
	"eu-central-1":    "aws",
	"eu-central-2":    "aws",
	"eu-isoe-west-1":  "aws-iso-e",
	"eu-north-1":      "aws",
	"eu-south-1":      "aws",
	"eu-south-2":      "aws",
	"eu-west-1":       "aws",
	"eu-west-2":       "aws",
	"eu-west-3":       "aws",
	"eusc-de-east-1":  "aws-eusc",
	"il-central-1":    "aws",
	"me-central-1":    "aws",
	"me-south-1":      "aws",
	"me-west-1":       "aws",
	"mx-central-1":    "aws",
	"sa-east-1":       "aws",
	"us-east-1":       "aws",
	"us-east-2":       "aws",
	"us-gov-east-1":   "aws-us-gov",
	"us-gov-west-1":   "aws-us-gov",
	"us-iso-east-1":   "aws-iso",
	"us-iso-west-1":   "aws-iso",
	"us-isob-east-1":  "aws-iso-b",
	"us-isob-west-1":  "aws-iso-b",
	"us-isof-east-1":  "aws-iso-f",
	"us-isof-south-1": "aws-iso-f",
	"us-west-1":       "aws",
	"us-west-2":       "aws",
}

// DNSSuffixes maps each partition of Regions to the DNS suffix of its
// service endpoints (aws-cdk-lib's domainSuffix fact), kept equal to the
// facts by the same test.
var DNSSuffixes = map[string]string{
	"aws":        "amazonaws.com",
	"aws-cn":     "amazonaws.com.cn",
	"aws-eusc":   "amazonaws.eu",
	"aws-iso":    "c2s.ic.gov",
	"aws-iso-b":  "sc2s.sgov.gov",
	"aws-iso-e":  "cloud.adc-e.uk",
	"aws-iso-f":  "csp.hci.ic.gov",
	"aws-us-gov": "amazonaws.com",
}
