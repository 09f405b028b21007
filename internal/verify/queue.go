package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// liveQueue is what verify found of a queue writer's queues.
type liveQueue struct {
	// url is the queue's URL, where the write probe sends.
	url string
	// deadLetterURL is the URL of the queue its redrive policy names.
	deadLetterURL string
}

// reportBatchItemFailures is the response type the function needs: it lists
// the messages to retry, and SQS deletes the others of the batch.
const reportBatchItemFailures = "ReportBatchItemFailures"

// checkQueue reads a queue writer's queue, its redrive policy and its
// dead-letter queue, compares their settings with the configuration and
// the synthesized template, checks both queue policies, and checks the
// event source mapping that drains the queue into one of fns. It returns
// nil when the queue could not be read.
func (v *verifier) checkQueue(ctx context.Context, c aws.Config, w config.Writer, synth *synthesized, fns []functionRef) *liveQueue {
	client := sqs.NewFromConfig(c)
	queueURL, attrs, ok := v.readQueue(ctx, client, w, w.QueueName())
	if !ok {
		return nil
	}
	q := &liveQueue{url: queueURL}
	arn := w.QueueArn()
	if got := attrs[string(sqstypes.QueueAttributeNameQueueArn)]; got != arn {
		v.fail("queue %s has ARN %s, want %s (the mapping and the role's statement name that ARN)", w.QueueName(), got, arn)
	} else {
		v.ok("queue %s exists", arn)
	}
	v.checkQueueSettings(w, arn, attrs, synth.queues[arn])
	v.checkQueuePolicy(arn, attrs)

	var redrive struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}
	raw := attrs[string(sqstypes.QueueAttributeNameRedrivePolicy)]
	switch {
	case raw == "":
		v.fail("queue %s has no redrive policy: a message that fails every time is received until its retention ends, then lost; redeploy %s", arn, w.StackName())
	case json.Unmarshal([]byte(raw), &redrive) != nil:
		v.cannot("the redrive policy of queue %s is not JSON: %s", arn, raw)
	case redrive.MaxReceiveCount != w.Queue.MaxReceiveCount:
		v.fail("queue %s: its redrive policy's maxReceiveCount is %d, want %d (writers[].queue.maxReceiveCount); redeploy %s", arn, redrive.MaxReceiveCount, w.Queue.MaxReceiveCount, w.StackName())
	default:
		v.ok("queue %s: redriven to %s after %d receives", arn, redrive.DeadLetterTargetArn, redrive.MaxReceiveCount)
	}
	if redrive.DeadLetterTargetArn != "" {
		q.deadLetterURL = v.checkDeadLetterQueue(ctx, client, w, redrive.DeadLetterTargetArn)
	}
	v.checkMapping(ctx, lambda.NewFromConfig(c), w, fns)
	return q
}

// readQueue finds a queue of w's account by name and reads its
// attributes.
func (v *verifier) readQueue(ctx context.Context, client *sqs.Client, w config.Writer, name string) (string, map[string]string, bool) {
	got, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name), QueueOwnerAWSAccountId: aws.String(w.Account)})
	var missing *sqstypes.QueueDoesNotExist
	switch {
	case errors.As(err, &missing) || errorCode(err) == "AWS.SimpleQueueService.NonExistentQueue":
		v.cannot("queue %s not found in %s: %s is not deployed there with \"source\": \"queue\"; run: %s", name, v.where(w.Account, w.Region), w.StackName(), v.deployHint(w.StackName(), w.Account))
		return "", nil, false
	case err != nil:
		v.readFailed(w.Account, w.Region, "sqs:GetQueueUrl", name, err)
		return "", nil, false
	}
	queueURL := aws.ToString(got.QueueUrl)
	out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(queueURL), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		v.readFailed(w.Account, w.Region, "sqs:GetQueueAttributes", queueURL, err)
		return "", nil, false
	}
	return queueURL, out.Attributes, true
}

// checkQueueSettings compares the queue's encryption, visibility timeout
// and retention with the synthesized template's.
func (v *verifier) checkQueueSettings(w config.Writer, arn string, attrs map[string]string, synthesized map[string]any) {
	v.checkEncrypted(arn, attrs, w)
	for _, s := range []struct{ attr, why string }{
		{"VisibilityTimeout", "at least six times the function's timeout, so that a batch is not delivered twice while it is being written"},
		{"MessageRetentionPeriod", "how long an undrained message is kept"},
	} {
		want, ok := synthesized[s.attr].(float64)
		if !ok {
			v.cannot("the synthesized template of %s sets no %s on queue %s: synthesize it with the same configuration: %s", w.StackName(), s.attr, arn, v.synthHint())
			continue
		}
		if got := attrs[s.attr]; got == strconv.Itoa(int(want)) {
			v.ok("queue %s: %s is %s s", arn, s.attr, got)
		} else {
			v.fail("queue %s: %s is %q, want %d s (%s); redeploy %s", arn, s.attr, got, int(want), s.why, w.StackName())
		}
	}
}

func (v *verifier) checkEncrypted(arn string, attrs map[string]string, w config.Writer) {
	if attrs[string(sqstypes.QueueAttributeNameSqsManagedSseEnabled)] == "true" || attrs[string(sqstypes.QueueAttributeNameKmsMasterKeyId)] != "" {
		v.ok("queue %s is encrypted at rest", arn)
		return
	}
	v.fail("queue %s is not encrypted at rest; %s enables SQS-managed encryption: redeploy it", arn, w.StackName())
}

// checkQueuePolicy wants the policy WriterStack sets on each queue: a
// deny of every call without TLS, and no Allow. An Allow in a queue policy
// lets someone send (whoever sends to the queue writes through the
// function) or read the messages; producers in the writer's account send
// with their own identity policies.
func (v *verifier) checkQueuePolicy(arn string, attrs map[string]string) {
	raw := attrs[string(sqstypes.QueueAttributeNamePolicy)]
	if raw == "" {
		v.fail("queue %s has no queue policy: calls without TLS are not refused; redeploy its stack", arn)
		return
	}
	var doc struct {
		Statement []struct {
			Effect    string
			Principal any
			Action    any
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		v.cannot("the queue policy of %s is not JSON: %v", arn, err)
		return
	}
	tlsOnly := false
	var allows []string
	for i, s := range doc.Statement {
		switch s.Effect {
		case "Allow":
			allows = append(allows, fmt.Sprintf("statement %d allows %v %v", i, s.Principal, s.Action))
		case "Deny":
			if s.Principal != nil && fmt.Sprint(s.Principal) == fmt.Sprint(map[string]any{"AWS": "*"}) && fmt.Sprint(s.Action) == "sqs:*" &&
				fmt.Sprint(s.Condition["Bool"]["aws:SecureTransport"]) == "false" {
				tlsOnly = true
			}
		}
	}
	if !tlsOnly {
		v.fail("the queue policy of %s does not deny calls without TLS (Deny sqs:* to * when aws:SecureTransport is false); redeploy its stack", arn)
	}
	if len(allows) > 0 {
		v.fail("the queue policy of %s lets others in, which WriterStack's does not: %s; whoever may send to the queue writes to the table through the function", arn, strings.Join(allows, "; "))
	}
	if tlsOnly && len(allows) == 0 {
		v.ok("the queue policy of %s refuses calls without TLS and allows no one", arn)
	}
}

// checkDeadLetterQueue reads the queue a redrive policy names: it must be
// in the writer's account, encrypted and TLS only. It returns its URL, ""
// when it could not be read.
func (v *verifier) checkDeadLetterQueue(ctx context.Context, client *sqs.Client, w config.Writer, arn string) string {
	parts, ok := arns.Parts(arn)
	if !ok || parts.AccountID != w.Account || parts.Region != w.Region {
		v.fail("queue %s redrives to %s, not a queue of the writer's account %s and region %s; redeploy %s", w.QueueArn(), arn, w.Account, w.Region, w.StackName())
		return ""
	}
	queueURL, attrs, ok := v.readQueue(ctx, client, w, parts.Resource)
	if !ok {
		return ""
	}
	v.checkEncrypted(arn, attrs, w)
	v.checkQueuePolicy(arn, attrs)
	return queueURL
}

// checkMapping wants exactly one event source mapping from the writer's
// queue: enabled, into one of the writer's functions, reporting partial
// batch failures, with the configured batch size, batching window and
// maximum concurrency.
func (v *verifier) checkMapping(ctx context.Context, client *lambda.Client, w config.Writer, fns []functionRef) {
	arn := w.QueueArn()
	out, err := client.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(arn)})
	if err != nil {
		v.readFailed(w.Account, w.Region, "lambda:ListEventSourceMappings", arn, err)
		return
	}
	if len(out.EventSourceMappings) != 1 {
		v.fail("%d event source mappings drain queue %s, want 1 (%s deploys one): with none nothing is written, with more another function also receives the messages; redeploy %s",
			len(out.EventSourceMappings), arn, w.StackName(), w.StackName())
		if len(out.EventSourceMappings) == 0 {
			return
		}
	}
	for _, m := range out.EventSourceMappings {
		id := "event source mapping " + aws.ToString(m.UUID)
		if !slices.ContainsFunc(fns, func(f functionRef) bool { return f.Arn == aws.ToString(m.FunctionArn) }) {
			v.fail("%s drains queue %s into %s, not the writer's function", id, arn, aws.ToString(m.FunctionArn))
			continue
		}
		if state := aws.ToString(m.State); state == "Enabled" {
			v.ok("%s from %s is enabled", id, arn)
		} else {
			v.fail("%s from %s is %s, want Enabled: the queue is not drained; aws lambda update-event-source-mapping %s --uuid %s --enabled",
				id, arn, state, v.cliArgs(w.Account, w.Region), aws.ToString(m.UUID))
		}
		var types []string
		for _, t := range m.FunctionResponseTypes {
			types = append(types, string(t))
		}
		if slices.Contains(types, reportBatchItemFailures) {
			v.ok("%s reports batch item failures", id)
		} else {
			v.fail("%s has FunctionResponseTypes %v, want [%s]: without it one failed message makes SQS deliver the whole batch again; redeploy %s", id, types, reportBatchItemFailures, w.StackName())
		}
		var concurrency int32
		if m.ScalingConfig != nil {
			concurrency = aws.ToInt32(m.ScalingConfig.MaximumConcurrency)
		}
		for _, s := range []struct {
			what      string
			got, want int
		}{
			{"batch size", int(aws.ToInt32(m.BatchSize)), w.Queue.BatchSize},
			{"batching window", int(aws.ToInt32(m.MaximumBatchingWindowInSeconds)), w.Queue.MaxBatchingWindowSeconds},
			{"maximum concurrency", int(concurrency), w.Queue.MaxConcurrency},
		} {
			if s.got == s.want {
				v.ok("%s: %s is %d", id, s.what, s.want)
			} else {
				v.fail("%s: %s is %d, want %d (writers[].queue); redeploy %s", id, s.what, s.got, s.want, w.StackName())
			}
		}
	}
}

// checkQueueEnvironment checks that each of a queue writer's functions is
// told it drains a queue, and the URL of the dead-letter queue it moves
// the messages no retry can write to: the one the queue redrives to.
func (v *verifier) checkQueueEnvironment(lw *liveWriter) {
	for _, f := range lw.functions {
		for _, e := range []struct{ name, want string }{
			{writerspec.Source, writerspec.SourceQueue},
			{writerspec.DeadLetterQueue, lw.queue.deadLetterURL},
		} {
			got := f.Env[e.name]
			switch {
			case e.want == "":
				// the dead-letter queue could not be read: reported above
			case got == e.want || e.name == writerspec.DeadLetterQueue && sameQueueURL(got, e.want):
				v.ok("function %s: %s is %s", f.Name, e.name, e.want)
			default:
				v.fail("function %s: %s is %q, want %s; redeploy %s", f.Name, e.name, got, e.want, lw.StackName())
			}
		}
	}
}

// sameQueueURL reports whether two queue URLs name the same queue: the
// same /account/name path, whichever of SQS's endpoint names the host is
// (sqs.<region>.amazonaws.com, or the legacy queue.amazonaws.com).
func sameQueueURL(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Path != "" && ua.Path == ub.Path
}
