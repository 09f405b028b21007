package main

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The hints for failures on the way to DynamoDB.
const (
	endpointHint = "check the DynamoDB endpoint: the region in TABLE_ARN, AWS_ENDPOINT_URL_DYNAMODB if set, " +
		"and, for a function in a VPC, its route to DynamoDB (a NAT gateway or a DynamoDB VPC endpoint)"
	serverHint = "DynamoDB failed on every attempt; retry later, and check the AWS Health Dashboard for DynamoDB in the table's region"
)

// classify names a failed PutItem's cause and what the operator should
// check. err is the last attempt's error, or the call's if no attempt ran.
func classify(err error) (cause, hint string) {
	// A cancelled transaction is named by its first reason that is not
	// "None" (a failed condition never gets here: the handler decides it).
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for i := range tce.CancellationReasons {
			if code := reasonCode(&tce.CancellationReasons[i]); code != "None" {
				if hint, ok := apiErrorHint(code); ok {
					return code, hint
				}
				return code, "DynamoDB cancelled the transaction; see its message"
			}
		}
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if hint, ok := apiErrorHint(apiErr.ErrorCode()); ok {
			return apiErr.ErrorCode(), hint
		}
	}
	var quota ratelimit.QuotaExceededError
	var dnsErr *net.DNSError
	var resp *smithyhttp.ResponseError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return "timeout", "DynamoDB did not answer before the invocation's deadline (the call stops 500 ms before it); " +
			"check the network path to DynamoDB and the function's timeout; " + endpointHint
	case errors.As(err, &quota):
		return "retry quota exceeded", "the SDK's client-side retry quota is spent by earlier failures in this process; " +
			"the function is built without one, so check that its retryer is newRetryer"
	case errors.As(err, &dnsErr):
		return "DNS failure", "the DynamoDB endpoint's host name does not resolve; " + endpointHint
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", "nothing accepts connections at the DynamoDB endpoint; " + endpointHint
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset", "the connection to DynamoDB was closed before its reply; " + endpointHint
	case errors.As(err, &resp) && resp.HTTPStatusCode() >= 500:
		return "HTTP " + strconv.Itoa(resp.HTTPStatusCode()), serverHint
	case errors.As(err, &apiErr):
		return apiErr.ErrorCode(), "DynamoDB refused the request; see its message"
	}
	return "unexpected error", "see the error; " + endpointHint
}

// apiErrorHint returns the hint for an error DynamoDB answered with.
func apiErrorHint(code string) (string, bool) {
	switch code {
	case "AccessDeniedException", "UnrecognizedClientException":
		return "access denied: check the account and region in TABLE_ARN, the table's resource policy (it must allow this role) " +
			"and the role's identity policy (it must allow dynamodb:PutItem on the table ARN)", true
	case "ResourceNotFoundException":
		return "the table does not exist in the account and region of TABLE_ARN; is TableStack deployed there?", true
	case "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException":
		return "throttled after the SDK's retries; retry later", true
	case "TransactionConflict", "TransactionConflictException", "TransactionInProgressException":
		return "another transaction or write was changing one of these items at the same time, on every attempt; " +
			"nothing of the batch was written: send it again, and keep writers of the same keys from overlapping", true
	case "IdempotentParameterMismatchException":
		return "DynamoDB has seen this request's ClientRequestToken in the last 10 minutes with other parameters; " +
			"send the batch again (a new invocation uses a new token)", true
	case "ThrottlingError", "ProvisionedThroughputExceeded":
		return "throttled after the SDK's retries; retry later", true
	case "ItemCollectionSizeLimitExceeded":
		return "an item collection of the table is over its size limit", true
	case "ValidationError":
		return "DynamoDB rejected an item of the batch; check the attribute names and values against DynamoDB's limits", true
	case "ValidationException":
		return "DynamoDB rejected the item; check the event's attribute names and values against DynamoDB's limits", true
	case "InternalServerError", "ServiceUnavailable":
		return serverHint, true
	}
	return "", false
}
