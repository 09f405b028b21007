package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// The table's key schema, set by TableStack.
const (
	partitionKey = "category"
	sortKey      = "item"
	timeAttr     = "time"
	overwriteArg = "overwrite"
)

// DynamoDB limits the handler checks before calling it, so that a bad event
// gets an error that names the rule instead of a generic ValidationException.
const (
	maxItemBytes         = 400 * 1024 // item size, attribute names included
	maxPartitionKeyBytes = 2048
	maxSortKeyBytes      = 1024
	maxAttrNameBytes     = 65535
	maxNestingDepth      = 32
	maxNumberDigits      = 38
	maxNumberExponent    = 125  // largest magnitude 9.99...E+125
	minNumberExponent    = -130 // smallest non-zero magnitude 1E-130
)

// putItemMargin is how long before the invocation's deadline PutItem gives
// up. At the deadline Lambda stops the function and the invoker sees only
// "Task timed out"; stopping the call earlier leaves time to return the
// error with its hint. With less than four margins left, a quarter of what
// is left is kept instead, so that a short timeout still gives the call most
// of its time.
const putItemMargin = 500 * time.Millisecond

// The seed's sample item, written when the event carries no attributes.
const (
	seedCategory = "Fruit"
	seedItem     = "Apple"
)

// ItemPutter is the one DynamoDB call the handler makes.
type ItemPutter interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// Handler writes the item of each invocation's event into one table.
type Handler struct {
	// DB is the DynamoDB client, built in the table's region.
	DB ItemPutter
	// TableARN is the full table ARN, passed as TableName so that the call
	// reaches the table's account rather than the function's.
	TableARN string
	// Log receives one JSON record per invocation.
	Log *slog.Logger
	// Now gives the time stamped on items without one.
	Now func() time.Time
}

// Key is the primary key of a written item.
type Key struct {
	Category string `json:"category"`
	Item     string `json:"item"`
}

// Response says what an invocation wrote.
type Response struct {
	TableARN  string `json:"tableArn"`
	Key       Key    `json:"key"`
	Time      string `json:"time"`
	Overwrite bool   `json:"overwrite"`
}

// InvalidEventError reports an event the handler refused; nothing was written.
//
// Its message is logged twice: by the handler, and by aws-lambda-go, which
// prints every error a handler returns to stderr (and so to CloudWatch Logs)
// before reporting it to the invoker. Map keys inside an attribute's value are
// item contents, so the message names only the top-level attribute, never the
// path to the offending value inside it.
type InvalidEventError struct {
	// Field is the offending top-level attribute or option, empty for the
	// event as a whole.
	Field string
	// Rule says what was wrong and what is wanted.
	Rule string
}

func (e *InvalidEventError) Error() string {
	if e.Field == "" {
		return "invalid event: " + e.Rule
	}
	return fmt.Sprintf("invalid event: %s: %s", e.Field, e.Rule)
}

// ItemExistsError reports that an item with the event's key already exists
// and the event did not ask to overwrite it; nothing was written.
type ItemExistsError struct {
	TableARN string
	Key      Key
}

func (e *ItemExistsError) Error() string {
	return fmt.Sprintf("item category=%q item=%q already exists in %s; nothing was written; send %q: true to replace it",
		e.Key.Category, e.Key.Item, e.TableARN, overwriteArg)
}

// WriteError reports a failed PutItem with a hint for the operator.
type WriteError struct {
	TableARN string
	Key      Key
	// Hint says what to check; empty when there is nothing specific to say.
	Hint string
	Err  error
}

func (e *WriteError) Error() string {
	msg := fmt.Sprintf("put item category=%q item=%q into %s: %v", e.Key.Category, e.Key.Item, e.TableARN, e.Err)
	if e.Hint != "" {
		msg += "; hint: " + e.Hint
	}
	return msg
}

func (e *WriteError) Unwrap() error { return e.Err }

// Invoke handles one invocation. It implements lambda.Handler so that an
// empty payload (an invoke without one) reads as {}.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	log := h.Log
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		log = log.With("requestId", lc.AwsRequestID)
	}
	resp, err := h.write(ctx, payload)
	var exists *ItemExistsError
	var invalid *InvalidEventError
	switch {
	case errors.As(err, &invalid):
		log.Warn("event rejected", "error", err.Error())
		return nil, err
	case errors.As(err, &exists):
		log.Warn("item exists", "table", h.TableARN, "category", exists.Key.Category, "item", exists.Key.Item)
		return nil, err
	case err != nil:
		log.Error("put item failed", "error", err.Error())
		return nil, err
	}
	log.Info("item written", "table", resp.TableARN, "category", resp.Key.Category, "item", resp.Key.Item, "overwrite", resp.Overwrite)
	return json.Marshal(resp)
}

func (h *Handler) write(ctx context.Context, payload []byte) (*Response, error) {
	attrs, overwrite, err := parseEvent(payload)
	if err != nil {
		return nil, err
	}
	if _, ok := attrs[timeAttr]; !ok {
		attrs[timeAttr] = h.Now().UTC().Format(time.RFC3339)
	}
	key := Key{Category: attrs[partitionKey].(string), Item: attrs[sortKey].(string)}

	item, err := attributevalue.MarshalMap(attrs)
	if err != nil {
		return nil, &InvalidEventError{Rule: fmt.Sprintf("cannot convert to DynamoDB attributes: %v", err)}
	}
	if size := itemSize(item); size > maxItemBytes {
		return nil, &InvalidEventError{Rule: fmt.Sprintf("item is %d bytes, over DynamoDB's limit of %d bytes (400 KB)", size, maxItemBytes)}
	}

	in := &dynamodb.PutItemInput{TableName: &h.TableARN, Item: item}
	if !overwrite {
		// Checking the partition key is enough: the condition is evaluated
		// against the item with this full key, if there is one.
		cond := "attribute_not_exists(#pk)"
		in.ConditionExpression = &cond
		in.ExpressionAttributeNames = map[string]string{"#pk": partitionKey}
	}
	putCtx, cancel := beforeDeadline(ctx)
	defer cancel()
	if _, err := h.DB.PutItem(putCtx, in); err != nil {
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return nil, &ItemExistsError{TableARN: h.TableARN, Key: key}
		}
		return nil, &WriteError{TableARN: h.TableARN, Key: key, Hint: hint(err), Err: err}
	}
	return &Response{TableARN: h.TableARN, Key: key, Time: attrs[timeAttr].(string), Overwrite: overwrite}, nil
}

// beforeDeadline returns a context that ends putItemMargin (or a quarter of
// the time left, if less) before ctx's deadline. Without a deadline it sets
// none.
func beforeDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	margin := min(putItemMargin, time.Until(deadline)/4)
	return context.WithDeadline(ctx, deadline.Add(-margin))
}

// hint returns what an operator should check for a failed PutItem.
func hint(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the invocation ran out of time; check the network path to DynamoDB and the function's timeout"
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return ""
	}
	switch apiErr.ErrorCode() {
	case "AccessDeniedException", "UnrecognizedClientException":
		return "access denied: check the account and region in TABLE_ARN, the table's resource policy (it must allow this role) and the role's identity policy (it must allow dynamodb:PutItem on the table ARN)"
	case "ResourceNotFoundException":
		return "the table does not exist in the account and region of TABLE_ARN; is TableStack deployed there?"
	case "ProvisionedThroughputExceededException", "RequestLimitExceeded", "ThrottlingException":
		return "throttled after the SDK's retries; retry later"
	case "ValidationException":
		return "DynamoDB rejected the item; check the event's attribute names and values against DynamoDB's limits"
	}
	return ""
}

// parseEvent decodes the event into the item's attributes and the overwrite
// option, and checks them against the table's key schema and DynamoDB's rules.
func parseEvent(payload []byte) (attrs map[string]any, overwrite bool, err error) {
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber() // keep numbers exact: DynamoDB numbers have 38 digits
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false, &InvalidEventError{Rule: fmt.Sprintf("not valid JSON: %v", err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, &InvalidEventError{Rule: "trailing data after the JSON object"}
	}
	attrs, ok := v.(map[string]any)
	if !ok {
		return nil, false, &InvalidEventError{Rule: fmt.Sprintf("got %s, want a JSON object with the item's attributes", kind(v))}
	}

	if o, ok := attrs[overwriteArg]; ok {
		b, isBool := o.(bool)
		if !isBool {
			return nil, false, &InvalidEventError{Field: overwriteArg, Rule: fmt.Sprintf("got %s, want true or false", kind(o))}
		}
		overwrite = b
		delete(attrs, overwriteArg)
	}
	if len(attrs) == 0 {
		attrs[partitionKey] = seedCategory
		attrs[sortKey] = seedItem
	}

	if err := checkKey(attrs, partitionKey, "partition", maxPartitionKeyBytes); err != nil {
		return nil, false, err
	}
	if err := checkKey(attrs, sortKey, "sort", maxSortKeyBytes); err != nil {
		return nil, false, err
	}
	if t, ok := attrs[timeAttr]; ok {
		if _, isString := t.(string); !isString {
			return nil, false, &InvalidEventError{Field: timeAttr, Rule: fmt.Sprintf("got %s, want a string", kind(t))}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		if err := checkName(truncate(name), name); err != nil {
			return nil, false, err
		}
		if err := checkValue(name, attrs[name], 0); err != nil {
			return nil, false, err
		}
	}
	return attrs, overwrite, nil
}

func checkKey(attrs map[string]any, name, role string, maxBytes int) error {
	want := fmt.Sprintf("want a non-empty string (the table's %s key)", role)
	v, ok := attrs[name]
	if !ok {
		return &InvalidEventError{Field: name, Rule: "missing; " + want}
	}
	s, ok := v.(string)
	if !ok {
		return &InvalidEventError{Field: name, Rule: fmt.Sprintf("got %s, %s", kind(v), want)}
	}
	if s == "" {
		return &InvalidEventError{Field: name, Rule: "empty; " + want}
	}
	if len(s) > maxBytes {
		return &InvalidEventError{Field: name, Rule: fmt.Sprintf("%d bytes, over DynamoDB's limit of %d bytes for a %s key", len(s), maxBytes, role)}
	}
	return nil
}

// checkName checks an attribute or map key name against DynamoDB's rules.
// field is what errors name: the attribute itself at the top (empty for an
// empty name), else the top-level attribute whose value holds the map.
func checkName(field, name string) error {
	switch {
	case name == "":
		return &InvalidEventError{Field: field, Rule: "empty attribute name; DynamoDB wants at least one character"}
	case len(name) > maxAttrNameBytes:
		return &InvalidEventError{Field: field, Rule: fmt.Sprintf("attribute name is %d bytes, over DynamoDB's limit of %d", len(name), maxAttrNameBytes)}
	case !utf8.ValidString(name):
		return &InvalidEventError{Field: field, Rule: "attribute name is not valid UTF-8"}
	}
	return nil
}

// checkValue checks the names inside the value of the top-level attribute
// attr, and how deeply it nests; the value itself is at depth 0. Errors name
// attr only (see InvalidEventError).
func checkValue(attr string, value any, depth int) error {
	if depth > maxNestingDepth {
		return &InvalidEventError{Field: truncate(attr), Rule: fmt.Sprintf("nested %d levels deep, over DynamoDB's limit of %d", depth, maxNestingDepth)}
	}
	switch v := value.(type) {
	case json.Number:
		if rule := numberRule(v.String()); rule != "" {
			return &InvalidEventError{Field: truncate(attr), Rule: rule}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if err := checkName(truncate(attr), k); err != nil {
				return err
			}
			if err := checkValue(attr, v[k], depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := checkValue(attr, e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// numberRule returns which of DynamoDB's number rules the JSON number n
// breaks, or "" if it breaks none.
func numberRule(n string) string {
	mantissa, exp := n, 0
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		e, err := strconv.Atoi(n[i+1:])
		if err != nil {
			return "number's exponent is out of DynamoDB's range (1E-130 to 9.9999999999999999999999999999999999999E+125)"
		}
		mantissa, exp = n[:i], e
	}
	intPart, frac, _ := strings.Cut(strings.TrimPrefix(mantissa, "-"), ".")
	all := intPart + frac
	significant := strings.TrimLeft(all, "0")
	if significant == "" {
		return "" // zero
	}
	leadingZeros := len(all) - len(significant)
	significant = strings.TrimRight(significant, "0")
	scientificExp := exp + len(intPart) - 1 - leadingZeros // n = d.ddd × 10^scientificExp
	switch {
	case len(significant) > maxNumberDigits:
		return fmt.Sprintf("number has %d significant digits, over DynamoDB's limit of %d", len(significant), maxNumberDigits)
	case scientificExp > maxNumberExponent:
		return "number is too large for DynamoDB (at most 9.9999999999999999999999999999999999999E+125)"
	case scientificExp < minNumberExponent:
		return "number is too small for DynamoDB (non-zero numbers are at least 1E-130 in magnitude)"
	}
	return ""
}

// truncate shortens an attribute name for an error message.
func truncate(name string) string {
	const max = 64
	if len(name) <= max {
		return name
	}
	return strings.ToValidUTF8(name[:max], "") + "..."
}

// kind names a decoded JSON value's type for error messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// itemSize computes an item's size as DynamoDB counts it against the 400 KB
// limit ("Item sizes and formats" in the DynamoDB Developer Guide): the
// length of each attribute name plus the size of its value.
func itemSize(item map[string]types.AttributeValue) int {
	size := 0
	for name, v := range item {
		size += len(name) + valueSize(v)
	}
	return size
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return numberSize(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberL:
		size := 3 // list overhead
		for _, e := range v.Value {
			size += 1 + valueSize(e)
		}
		return size
	case *types.AttributeValueMemberM:
		size := 3 // map overhead
		for k, e := range v.Value {
			size += 1 + len(k) + valueSize(e)
		}
		return size
	case *types.AttributeValueMemberSS:
		size := 0
		for _, s := range v.Value {
			size += len(s)
		}
		return size
	case *types.AttributeValueMemberNS:
		size := 0
		for _, n := range v.Value {
			size += numberSize(n)
		}
		return size
	case *types.AttributeValueMemberBS:
		size := 0
		for _, b := range v.Value {
			size += len(b)
		}
		return size
	}
	return 0
}

// numberSize is one byte per two significant digits, plus one.
func numberSize(n string) int {
	digits := 0
	for _, r := range n {
		if r == 'e' || r == 'E' {
			break
		}
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return (digits+1)/2 + 1
}
