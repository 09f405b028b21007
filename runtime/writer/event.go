package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// The event's reserved names besides the table's keys.
const (
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

// The seed's sample item, written when the event carries no attributes.
const (
	seedCategory = "Fruit"
	seedItem     = "Apple"
)

// utf8Rule is the rule broken by invalid UTF-8, which the decoder refuses
// instead of replacing it with U+FFFD: two different names or keys must
// never become one.
const utf8Rule = "not valid UTF-8 (invalid bytes, or an unpaired surrogate escape such as \\udc80)"

// event is a decoded, checked event.
type event struct {
	// item is what to put: the event's attributes without the options.
	item map[string]types.AttributeValue
	key  Key
	// overwrite is the event's "overwrite" option.
	overwrite bool
	// hasTime is true when the event carried its own "time".
	hasTime bool
	// digest is writeDigest of the item, set by prepare.
	digest string
}

// parseEvent decodes a single-item event strictly (valid UTF-8, each name
// once, at every level) into the item's attributes and the overwrite
// option, and checks them against the table's key schema and DynamoDB's
// rules. Nothing is replaced or dropped silently: an event that does not
// follow the rules is refused whole. DynamoDB's item size limit is enforced
// while decoding, so an oversized event is refused before it is held in
// memory whole. sample is whether an event without keys writes the seed's
// sample item (writerspec.SampleItem).
func parseEvent(payload []byte, sample bool) (*event, error) {
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = []byte("{}")
	}
	dec := jsontext.NewDecoder(bytes.NewBuffer(payload))
	item, err := decodeObject(dec, &budget{}, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, &InvalidEventError{Rule: "trailing data after the JSON object"}
	}
	return checkEvent(item, sample)
}

// checkEvent takes the options out of a decoded item and checks it against
// the table's key schema.
func checkEvent(item map[string]types.AttributeValue, sample bool) (*event, error) {
	ev := &event{item: item}
	if o, ok := item[overwriteArg]; ok {
		b, isBool := o.(*types.AttributeValueMemberBOOL)
		if !isBool {
			return nil, &InvalidEventError{Field: overwriteArg, Rule: fmt.Sprintf("got %s, want true or false", kind(o))}
		}
		ev.overwrite = b.Value
		delete(item, overwriteArg)
	}
	if _, ok := item[digestAttr]; ok {
		return nil, &InvalidEventError{Field: digestAttr, Rule: "reserved: the writer stores its digest of each write under this name"}
	}
	if len(item) == 0 && sample {
		item[tablespec.PartitionKey] = &types.AttributeValueMemberS{Value: seedCategory}
		item[tablespec.SortKey] = &types.AttributeValueMemberS{Value: seedItem}
	}
	var err error
	if ev.key.Category, err = keyValue(item, tablespec.PartitionKey, "partition", maxPartitionKeyBytes); err != nil {
		return nil, err
	}
	if ev.key.Item, err = keyValue(item, tablespec.SortKey, "sort", maxSortKeyBytes); err != nil {
		return nil, err
	}
	if t, ok := item[timeAttr]; ok {
		if _, isString := t.(*types.AttributeValueMemberS); !isString {
			return nil, &InvalidEventError{Field: timeAttr, Rule: fmt.Sprintf("got %s, want a string", kind(t))}
		}
		ev.hasTime = true
	}
	return ev, nil
}

// decodeObject decodes the next JSON value, which must be an object, into
// DynamoDB attributes, counting their size in b. level is how many
// containers hold the object: 0 for a single-item event, 1 for an element
// of a batch.
func decodeObject(dec *jsontext.Decoder, b *budget, level int) (map[string]types.AttributeValue, error) {
	if k := dec.PeekKind(); k != '{' {
		if _, err := dec.ReadToken(); err != nil {
			return nil, decodeError(err, false, level)
		}
		return nil, &InvalidEventError{Rule: fmt.Sprintf("got %s, want a JSON object with the item's attributes", kindName(k))}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, decodeError(err, false, level)
	}
	item := map[string]types.AttributeValue{}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, decodeError(err, true, level)
		}
		name := tok.String()
		if err := checkName(truncate(name), name); err != nil {
			return nil, err
		}
		if err := b.add(len(name)); err != nil {
			return nil, inAttribute(name, err)
		}
		v, err := decodeValue(dec, b, 0, level)
		if err != nil {
			return nil, inAttribute(name, err)
		}
		item[name] = v
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, decodeError(err, false, level)
	}
	return item, nil
}

// decodeValue decodes the next JSON value, at depth levels below a
// top-level attribute, counting its size (itemSize's rules) in b. Its
// errors have no Field: the caller names the top-level attribute.
func decodeValue(dec *jsontext.Decoder, b *budget, depth, level int) (types.AttributeValue, error) {
	if depth > maxNestingDepth {
		return nil, &InvalidEventError{Rule: fmt.Sprintf("nested %d levels deep, over DynamoDB's limit of %d", depth, maxNestingDepth)}
	}
	switch dec.PeekKind() {
	case '{':
		return decodeMap(dec, b, depth, level)
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return nil, decodeError(err, false, level)
		}
		if err := b.add(listOverhead); err != nil {
			return nil, err
		}
		list := []types.AttributeValue{}
		for dec.PeekKind() != ']' {
			if err := b.add(1); err != nil {
				return nil, err
			}
			v, err := decodeValue(dec, b, depth+1, level)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, decodeError(err, false, level)
		}
		return &types.AttributeValueMemberL{Value: list}, nil
	case '0':
		raw, err := dec.ReadValue()
		if err != nil {
			return nil, decodeError(err, false, level)
		}
		if rule := numberRule(string(raw)); rule != "" {
			return nil, &InvalidEventError{Rule: rule}
		}
		v := &types.AttributeValueMemberN{Value: string(raw)}
		return v, b.add(valueSize(v))
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, decodeError(err, false, level)
	}
	var v types.AttributeValue
	switch tok.Kind() {
	case '"':
		v = &types.AttributeValueMemberS{Value: tok.String()}
	case 't', 'f':
		v = &types.AttributeValueMemberBOOL{Value: tok.Bool()}
	case 'n':
		v = &types.AttributeValueMemberNULL{Value: true}
	default:
		return nil, &InvalidEventError{Rule: fmt.Sprintf("unexpected %s", kindName(tok.Kind()))}
	}
	return v, b.add(valueSize(v))
}

func decodeMap(dec *jsontext.Decoder, b *budget, depth, level int) (types.AttributeValue, error) {
	if _, err := dec.ReadToken(); err != nil {
		return nil, decodeError(err, false, level)
	}
	if err := b.add(mapOverhead); err != nil {
		return nil, err
	}
	m := map[string]types.AttributeValue{}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, decodeError(err, true, level)
		}
		name := tok.String()
		if err := checkName("", name); err != nil {
			return nil, err
		}
		if err := b.add(1 + len(name)); err != nil {
			return nil, err
		}
		v, err := decodeValue(dec, b, depth+1, level)
		if err != nil {
			return nil, err
		}
		m[name] = v
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, decodeError(err, false, level)
	}
	return &types.AttributeValueMemberM{Value: m}, nil
}

// inAttribute names the top-level attribute in an error from its value.
func inAttribute(name string, err error) error {
	var invalid *InvalidEventError
	if errors.As(err, &invalid) && invalid.Field == "" && !invalid.whole {
		invalid.Field = truncate(name)
	}
	return err
}

// decodeError turns the decoder's error into a rule. The decoder's own
// message quotes the input around the error, which may be item contents, so
// only the kind of error and its byte offset are kept. inName is true when
// the decoder was reading an object's name; level is decodeObject's. A
// duplicate top-level name is the error's Field; otherwise the caller names
// the top-level attribute.
func decodeError(err error, inName bool, level int) error {
	var syn *jsontext.SyntacticError
	if !errors.As(err, &syn) {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return &InvalidEventError{Rule: "not valid JSON: unexpected end of input"}
		}
		return &InvalidEventError{Rule: "not valid JSON"}
	}
	depth := strings.Count(string(syn.JSONPointer), "/")
	topLevel := depth == level+1
	switch {
	case errors.Is(syn.Err, jsontext.ErrDuplicateName) && topLevel:
		return &InvalidEventError{Field: truncate(syn.JSONPointer.LastToken()), Rule: "given more than once; each attribute may appear once"}
	case errors.Is(syn.Err, jsontext.ErrDuplicateName):
		return &InvalidEventError{Rule: "a map inside the value has the same name more than once"}
	case isUTF8Error(syn.Err) && inName && depth == level:
		return &InvalidEventError{Rule: fmt.Sprintf("an attribute name at byte %d is %s", syn.ByteOffset, utf8Rule)}
	case isUTF8Error(syn.Err) && inName:
		return &InvalidEventError{Rule: "a name inside the value is " + utf8Rule}
	case isUTF8Error(syn.Err):
		return &InvalidEventError{Rule: "a string in the value is " + utf8Rule}
	}
	return &InvalidEventError{Rule: "not valid JSON at byte " + strconv.FormatInt(syn.ByteOffset, 10)}
}

// isUTF8Error reports whether the decoder refused invalid UTF-8 or an
// unpaired surrogate escape.
func isUTF8Error(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "invalid UTF-8") || strings.Contains(msg, "surrogate")
}

// keyValue returns the key attribute name, which must be a non-empty string
// of at most maxBytes.
func keyValue(item map[string]types.AttributeValue, name, role string, maxBytes int) (string, error) {
	if s, ok := item[name].(*types.AttributeValueMemberS); ok && s.Value != "" && len(s.Value) <= maxBytes {
		return s.Value, nil
	}
	want := fmt.Sprintf("want a non-empty string (the table's %s key)", role)
	v, ok := item[name]
	if !ok {
		return "", &InvalidEventError{Field: name, Rule: "missing; " + want}
	}
	s, ok := v.(*types.AttributeValueMemberS)
	switch {
	case !ok:
		return "", &InvalidEventError{Field: name, Rule: fmt.Sprintf("got %s, %s", kind(v), want)}
	case s.Value == "":
		return "", &InvalidEventError{Field: name, Rule: "empty; " + want}
	case len(s.Value) > maxBytes:
		return "", &InvalidEventError{Field: name, Rule: fmt.Sprintf("%d bytes, over DynamoDB's limit of %d bytes for a %s key", len(s.Value), maxBytes, role)}
	}
	return s.Value, nil
}

// checkName checks an attribute or map key name against DynamoDB's rules.
// field is what errors name: the attribute itself at the top (empty for an
// empty name), else empty for the caller to fill in.
func checkName(field, name string) error {
	switch {
	case name == "":
		return &InvalidEventError{Field: field, Rule: "empty attribute name; DynamoDB wants at least one character"}
	case len(name) > maxAttrNameBytes:
		return &InvalidEventError{Field: field, Rule: fmt.Sprintf("attribute name is %d bytes, over DynamoDB's limit of %d", len(name), maxAttrNameBytes)}
	}
	return nil
}

// truncate shortens an attribute name for an error message.
func truncate(name string) string {
	const max = 64
	if len(name) <= max {
		return name
	}
	return strings.ToValidUTF8(name[:max], "") + "..."
}

// kind names an attribute value's JSON type for error messages.
func kind(v types.AttributeValue) string {
	switch v.(type) {
	case *types.AttributeValueMemberNULL:
		return "null"
	case *types.AttributeValueMemberBOOL:
		return "a boolean"
	case *types.AttributeValueMemberN:
		return "a number"
	case *types.AttributeValueMemberS:
		return "a string"
	case *types.AttributeValueMemberL:
		return "an array"
	case *types.AttributeValueMemberM:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// kindName names a JSON kind for error messages.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '0':
		return "a number"
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "no JSON value"
}
