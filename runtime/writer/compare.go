package main

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// differingAttributes returns, sorted, the names of the top-level
// attributes in which the stored item and the item the writer tried to put
// differ: present in one only, or with different values. It is the rule for
// "the same write" (an empty result):
//
//   - every attribute is compared, the keys included, at every level;
//   - numbers are compared by value (DynamoDB stores 1.50 as 1.5), every
//     other type exactly, and a value of another type differs;
//   - "time" is skipped when skipTime is true: when the event did not carry
//     its own time, the writer stamps the time of the attempt, so the same
//     event invoked again stamps a different one. Whatever time the stored
//     item has, it is the item the event asked for.
func differingAttributes(stored, written map[string]types.AttributeValue, skipTime bool) []string {
	var names []string
	for _, name := range slices.Sorted(maps.Keys(stored)) {
		if skipTime && name == timeAttr {
			continue
		}
		if w, ok := written[name]; !ok || !equalValue(stored[name], w) {
			names = append(names, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(written)) {
		if skipTime && name == timeAttr {
			continue
		}
		if _, ok := stored[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// equalValue reports whether two attribute values are equal, numbers by
// value.
func equalValue(a, b types.AttributeValue) bool {
	switch a := a.(type) {
	case *types.AttributeValueMemberS:
		b, ok := b.(*types.AttributeValueMemberS)
		return ok && a.Value == b.Value
	case *types.AttributeValueMemberN:
		b, ok := b.(*types.AttributeValueMemberN)
		return ok && canonicalNumber(a.Value) == canonicalNumber(b.Value)
	case *types.AttributeValueMemberBOOL:
		b, ok := b.(*types.AttributeValueMemberBOOL)
		return ok && a.Value == b.Value
	case *types.AttributeValueMemberNULL:
		_, ok := b.(*types.AttributeValueMemberNULL)
		return ok
	case *types.AttributeValueMemberL:
		b, ok := b.(*types.AttributeValueMemberL)
		return ok && slices.EqualFunc(a.Value, b.Value, equalValue)
	case *types.AttributeValueMemberM:
		b, ok := b.(*types.AttributeValueMemberM)
		return ok && maps.EqualFunc(a.Value, b.Value, equalValue)
	}
	// Sets and binary values never come from a JSON event: an item holding
	// one was not written by this function.
	return false
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
