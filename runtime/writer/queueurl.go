package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// regionPattern is the shape of an AWS region's name: us-east-1,
// cn-north-1, us-gov-west-1.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// accountPattern is an AWS account ID.
var accountPattern = regexp.MustCompile(`^[0-9]{12}$`)

// queueRegion checks that s, the value of writerspec.DeadLetterQueue, is
// an SQS queue URL, https://sqs.<region>.<domain>/<account>/<name> as
// CloudFormation gives it (or the legacy https://<region>.queue.<domain>/...),
// and returns its region: the SQS client's, which is the function's own,
// read from the URL so that no second variable can disagree with it.
func queueRegion(s string) (string, error) {
	name := writerspec.DeadLetterQueue
	if s == "" {
		return "", fmt.Errorf("%s is not set; a queue writer (%s=%s) needs its dead-letter queue's URL, such as https://sqs.us-east-1.amazonaws.com/222222222222/writer-dlq",
			name, writerspec.Source, writerspec.SourceQueue)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("%s is %q; want an https URL, such as https://sqs.us-east-1.amazonaws.com/222222222222/writer-dlq", name, s)
	}
	labels := strings.Split(u.Hostname(), ".")
	var region string
	switch {
	case len(labels) >= 3 && labels[0] == "sqs":
		region = labels[1]
	case len(labels) >= 3 && labels[1] == "queue":
		region = labels[0]
	}
	if !regionPattern.MatchString(region) {
		return "", fmt.Errorf("%s host is %q; want sqs.<region>.<domain>, such as sqs.us-east-1.amazonaws.com", name, u.Hostname())
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if len(parts) != 2 || !accountPattern.MatchString(parts[0]) || parts[1] == "" {
		return "", fmt.Errorf("%s path is %q; want /<12-digit account>/<queue name>", name, u.Path)
	}
	return region, nil
}
