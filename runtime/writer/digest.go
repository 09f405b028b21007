package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
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
	h := sha256.New()
	h.Write([]byte(digestPrefix))
	if hasTime {
		h.Write([]byte{'t'})
	} else {
		h.Write([]byte{'-'})
	}
	names := slices.DeleteFunc(slices.Sorted(maps.Keys(item)), func(name string) bool {
		return name == digestAttr || name == timeAttr && !hasTime
	})
	writeLen(h, len(names))
	for _, name := range names {
		writeString(h, name)
		writeValue(h, item[name])
	}
	return digestPrefix + base64.RawStdEncoding.EncodeToString(h.Sum(nil))
}

// writeValue writes a value as its type's tag and its length-prefixed
// contents, so that no two different values share an encoding.
func writeValue(h hash.Hash, v types.AttributeValue) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		h.Write([]byte{'S'})
		writeString(h, v.Value)
	case *types.AttributeValueMemberN:
		h.Write([]byte{'N'})
		writeString(h, canonicalNumber(v.Value))
	case *types.AttributeValueMemberBOOL:
		if v.Value {
			h.Write([]byte{'T'})
		} else {
			h.Write([]byte{'F'})
		}
	case *types.AttributeValueMemberNULL:
		h.Write([]byte{'0'})
	case *types.AttributeValueMemberL:
		h.Write([]byte{'L'})
		writeLen(h, len(v.Value))
		for _, e := range v.Value {
			writeValue(h, e)
		}
	case *types.AttributeValueMemberM:
		h.Write([]byte{'M'})
		writeLen(h, len(v.Value))
		for _, k := range slices.Sorted(maps.Keys(v.Value)) {
			writeString(h, k)
			writeValue(h, v.Value[k])
		}
	default:
		// Sets and binary values never come from a JSON event.
		h.Write([]byte{'?'})
	}
}

func writeString(h hash.Hash, s string) {
	writeLen(h, len(s))
	h.Write([]byte(s))
}

func writeLen(h hash.Hash, n int) {
	var b [binary.MaxVarintLen64]byte
	h.Write(b[:binary.PutUvarint(b[:], uint64(n))])
}

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
