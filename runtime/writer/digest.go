package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// digestAttr is the attribute in which the writer stores its digest of what
// the event sent. An event may not carry it.
const digestAttr = "writerDigest"

// digestPrefix names the digest's version, so that a later change of the
// encoding never matches an older digest by accident.
const digestPrefix = "v1:"

// writeDigest is the rule for "the same write": two events are the same
// write when their digests are equal. It covers every attribute the event
// sent, the keys included, at every level; numbers by value (DynamoDB stores
// 1.50 as 1.5); every other type exactly, its type included. "time" is left
// out when the event did not carry it (the writer stamps the time of each
// attempt, so the same event invoked again stamps another one), and whether
// it was carried is part of the digest.
//
// Comparing digests, never the stored attributes, is what keeps an invoker
// from reading the table through the writer: the answer to "is this the
// same write?" depends only on what an earlier event sent, as a whole, not
// on any stored attribute one at a time, and a conflict names nothing that
// is stored.
func writeDigest(item map[string]types.AttributeValue, hasTime bool) string {
	d := digester{b: make([]byte, 0, 256)}
	d.b = append(d.b, digestPrefix...)
	if hasTime {
		d.b = append(d.b, 't')
	} else {
		d.b = append(d.b, '-')
	}
	names := slices.DeleteFunc(slices.Sorted(maps.Keys(item)), func(name string) bool {
		return name == digestAttr || name == timeAttr && !hasTime
	})
	d.len(len(names))
	for _, name := range names {
		d.str(name)
		d.value(item[name])
	}
	sum := sha256.Sum256(d.b)
	return digestPrefix + base64.RawStdEncoding.EncodeToString(sum[:])
}

// digester builds the encoding writeDigest hashes: each value as its
// type's tag and its length-prefixed contents, so that no two different
// values share an encoding.
type digester struct{ b []byte }

func (d *digester) value(v types.AttributeValue) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		d.b = append(d.b, 'S')
		d.str(v.Value)
	case *types.AttributeValueMemberN:
		d.b = append(d.b, 'N')
		d.str(canonicalNumber(v.Value))
	case *types.AttributeValueMemberBOOL:
		if v.Value {
			d.b = append(d.b, 'T')
		} else {
			d.b = append(d.b, 'F')
		}
	case *types.AttributeValueMemberNULL:
		d.b = append(d.b, '0')
	case *types.AttributeValueMemberL:
		d.b = append(d.b, 'L')
		d.len(len(v.Value))
		for _, e := range v.Value {
			d.value(e)
		}
	case *types.AttributeValueMemberM:
		d.b = append(d.b, 'M')
		d.len(len(v.Value))
		for _, k := range slices.Sorted(maps.Keys(v.Value)) {
			d.str(k)
			d.value(v.Value[k])
		}
	default:
		// Sets and binary values never come from a JSON event.
		d.b = append(d.b, '?')
	}
}

func (d *digester) str(s string) {
	d.len(len(s))
	d.b = append(d.b, s...)
}

func (d *digester) len(n int) { d.b = binary.AppendUvarint(d.b, uint64(n)) }

// storedDigest returns the digest a stored item carries, or "" if it has
// none (an item written by something else than this writer).
func storedDigest(item map[string]types.AttributeValue) string {
	if d, ok := item[digestAttr].(*types.AttributeValueMemberS); ok {
		return d.Value
	}
	return ""
}

// canonicalNumber writes a decimal number as sign, significant digits and
// exponent, so that numbers equal in value are equal as strings: 1.50,
// 1.5 and 15E-1 all become "15e-1". Zero is "0".
func canonicalNumber(n string) string {
	neg := strings.HasPrefix(n, "-")
	n = strings.TrimLeft(n, "+-")
	mantissa, exp := n, 0
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		e, err := strconv.Atoi(n[i+1:])
		if err != nil {
			return n // not a number DynamoDB accepts; compare as written
		}
		mantissa, exp = n[:i], e
	}
	intPart, frac, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	if trimmed == "" {
		return "0"
	}
	if neg {
		trimmed = "-" + trimmed
	}
	return trimmed + "e" + strconv.Itoa(exp)
}
