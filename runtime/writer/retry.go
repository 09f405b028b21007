package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Retries of one PutItem. The invocation's deadline bounds them too (see
// beforeDeadline): the SDK stops retrying when the call's context ends.
const (
	maxAttempts = 3
	// backoffBase and backoffMax bound the jittered, exponential wait before
	// a retry: up to 100 ms, 200 ms, ... never over one second, so that the
	// retries fit in the function's timeout.
	backoffBase = 100 * time.Millisecond
	backoffMax  = time.Second
)

// newRetryer is the DynamoDB client's retry policy. It has no client-side
// retry quota (ratelimit.None): the SDK's default token bucket is shared by
// every call of the process, so in a warm Lambda process a burst of
// failures (about a dozen failed invocations) would empty it, and later
// calls would fail at once, without retrying, even after DynamoDB is back.
// One invocation's retries are bounded by maxAttempts and its deadline.
func newRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(backoffDelay)
		o.Retryables = append(o.Retryables, retry.IsErrorRetryableFunc(transactionConflict))
	})
}

// transactionConflict makes a transaction cancelled only because another
// transaction or write was changing one of its items at the same time
// retryable: nothing of it was written, and a retry may pass. (The SDK
// retries TransactionInProgressException, the same token's transaction
// still running, on its own.) A cancellation that also has a failed
// condition is left to the handler: retrying cannot change its answer.
func transactionConflict(err error) aws.Ternary {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return aws.UnknownTernary
	}
	conflict := false
	for i := range tce.CancellationReasons {
		switch reasonCode(&tce.CancellationReasons[i]) {
		case "TransactionConflict":
			conflict = true
		case "None":
		default:
			return aws.UnknownTernary
		}
	}
	return aws.BoolTernary(conflict)
}

// backoffDelay is full jitter: a random wait up to backoffBase × 2^(attempt-1),
// at most backoffMax.
func backoffDelay(attempt int, _ error) (time.Duration, error) {
	ceiling := backoffMax
	if attempt >= 1 && attempt < 10 {
		ceiling = min(backoffMax, backoffBase<<(attempt-1))
	}
	return rand.N(ceiling + 1), nil
}

// attempts records what the attempts of one PutItem did.
type attempts struct {
	// sent counts the attempts that were signed and handed to the network.
	sent int
	// mayHaveApplied is true once an attempt failed in a way that does not
	// prove it was not applied.
	mayHaveApplied bool
	// last is the last sent attempt's error.
	last error
}

// option is the PutItem option that records each attempt. Its middleware
// sits inside the SDK's retry loop, after signing, so it sees every attempt
// that was sent, and none that failed before (such as missing credentials).
func (a *attempts) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("RecordAttempt",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				a.sent++
				out, md, err := next.HandleFinalize(ctx, in)
				a.last = err
				if err != nil && !notApplied(err) {
					a.mayHaveApplied = true
				}
				return out, md, err
			}), "Signing", middleware.After)
	})
}

// lastError is the error that says why a call failed: the last sent
// attempt's, which says more than the call's (after a deadline hit during a
// backoff, that is only the deadline), except when the retry loop itself
// gave up for want of a retry token.
func (a *attempts) lastError(err error) error {
	var quota ratelimit.QuotaExceededError
	if a.last != nil && !errors.As(err, &quota) {
		return a.last
	}
	return err
}

// notApplied reports whether a failed attempt is known not to have written:
// DynamoDB answered with a 4xx status (it refused the request: validation,
// access, throttling, a failed condition), or the request never left (no
// connection, no DNS answer). A 5xx, a reset or a timeout after the request
// was sent says nothing about whether DynamoDB applied it.
func notApplied(err error) bool {
	// A request that was never answered is wrapped in a ResponseError too,
	// with status 0.
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && resp.HTTPStatusCode() != 0 {
		status := resp.HTTPStatusCode()
		return status >= 400 && status < 500
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorFault() == smithy.FaultClient
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
