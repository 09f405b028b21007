package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// ProbeCategory is the partition key of every probe item verify writes.
const ProbeCategory = "verify-probe"

// probe proves one write end to end: it invokes each of the writer's
// functions synchronously with a unique probe item (for a queue writer, it
// sends the item to the queue instead), reads the item back with the table
// account's credentials, and deletes it with them.
func (v *verifier) probe(ctx context.Context, w *liveWriter) {
	if !w.HasFunction() {
		v.note("writer %s: no probe, it has no dynamodb:PutItem", w.Name)
		return
	}
	if len(w.functions) == 0 {
		v.cannot("writer %s: no probe, its function was not found", w.Name)
		return
	}
	if w.Source == config.SourceQueue {
		v.queueProbe(ctx, w)
		return
	}
	c, err := v.awsConfig(ctx, w.Account, w.Region)
	if err != nil {
		v.cannot("%v", err)
		return
	}
	fn := lambda.NewFromConfig(c)
	for _, f := range w.functions {
		item := probeItem()
		if v.invokeProbe(ctx, fn, w, f, item) {
			v.readBackAndDelete(ctx, w, item)
		}
	}
}

// probeItem is a sort key no one else uses: the time and 64 random bits.
func probeItem() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// probeEvent is the single-item event that writes item.
func probeEvent(item string) []byte {
	payload, _ := json.Marshal(map[string]string{tablespec.PartitionKey: ProbeCategory, tablespec.SortKey: item})
	return payload
}

func (v *verifier) invokeProbe(ctx context.Context, fn *lambda.Client, w *liveWriter, f functionRef, item string) bool {
	payload := probeEvent(item)
	start := time.Now()
	out, err := fn.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(f.Arn),
		InvocationType: lambdatypes.InvocationTypeRequestResponse,
		Payload:        payload,
	})
	took := time.Since(start)
	if err != nil {
		v.readFailed(w.Account, w.Region, "lambda:InvokeFunction", f.Arn, err)
		return false
	}
	if out.FunctionError != nil {
		v.fail("writer %s: invoking %s with %s failed after %s (%s): %s",
			w.Name, f.Name, payload, ms(took), aws.ToString(out.FunctionError), functionErrorMessage(out.Payload))
		return false
	}
	v.ok("writer %s: invoke %s wrote %s=%s %s=%s in %s", w.Name, f.Name, tablespec.PartitionKey, ProbeCategory, tablespec.SortKey, item, ms(took))
	return true
}

// functionErrorMessage is the errorType and errorMessage of a function's
// error payload, or the payload itself.
func functionErrorMessage(payload []byte) string {
	var e struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(payload, &e) == nil && e.ErrorMessage != "" {
		return e.ErrorType + ": " + e.ErrorMessage
	}
	return string(payload)
}

// readBackAndDelete reads the probe item with the table account's
// credentials (a consistent read by table ARN) and deletes it.
func (v *verifier) readBackAndDelete(ctx context.Context, w *liveWriter, item string) {
	acct, region, arn := v.cfg.TableAccount, v.cfg.TableRegion, v.cfg.TableArn()
	c, err := v.awsConfig(ctx, acct, region)
	if err != nil {
		v.cannot("%v", err)
		return
	}
	db := dynamodb.NewFromConfig(c)
	key := probeKey(item)
	start := time.Now()
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(arn), Key: key, ConsistentRead: aws.Bool(true)})
	took := time.Since(start)
	switch {
	case err != nil:
		v.readFailed(acct, region, "dynamodb:GetItem", arn, err)
	case len(got.Item) == 0:
		v.fail("writer %s: the function reported success, but a consistent read of %s=%s in %s finds no item (%s)", w.Name, tablespec.SortKey, item, arn, ms(took))
	default:
		v.ok("writer %s: read the probe item back from %s with the table account's credentials in %s", w.Name, arn, ms(took))
	}
	start = time.Now()
	_, err = db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(arn), Key: key})
	took = time.Since(start)
	if err != nil {
		keyJSON := probeKeyJSON(item)
		reason := describeErr(err)
		if isAccessDenied(err) {
			reason = fmt.Sprintf("%s may not dynamodb:DeleteItem", v.where(acct, region))
		}
		v.note("the probe item %s=%s %s=%s remains in %s: the delete failed (%s); delete it with:\n  aws dynamodb delete-item %s --table-name %s --key '%s'",
			tablespec.PartitionKey, ProbeCategory, tablespec.SortKey, item, arn, reason, v.cliArgs(acct, region), arn, keyJSON)
		return
	}
	v.ok("writer %s: deleted the probe item in %s", w.Name, ms(took))
}

func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }

// probeKey is the probe item's key.
func probeKey(item string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		tablespec.PartitionKey: &types.AttributeValueMemberS{Value: ProbeCategory},
		tablespec.SortKey:      &types.AttributeValueMemberS{Value: item},
	}
}
