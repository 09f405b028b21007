package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

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
		size := listOverhead
		for _, e := range v.Value {
			size += 1 + valueSize(e)
		}
		return size
	case *types.AttributeValueMemberM:
		size := mapOverhead
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

// The size DynamoDB counts for a list's or a map's own structure.
const (
	listOverhead = 3
	mapOverhead  = 3
)

// maxTransactionBytes is DynamoDB's limit on the aggregate size of the
// items of one TransactWriteItems.
const maxTransactionBytes = 4 * 1024 * 1024

// budget counts an item's size (itemSize's rules) while it is decoded, and
// the batch's when total is set, so that decoding stops at the first byte
// over a limit: a payload of Lambda's 6 MB is refused without holding an
// oversized item in memory.
type budget struct {
	item int
	// total is the batch's running size; nil for a single-item event.
	total *int
}

func (b *budget) add(n int) error {
	b.item += n
	if b.item > maxItemBytes {
		return &InvalidEventError{Rule: fmt.Sprintf("item is over DynamoDB's limit of %d bytes (400 KB)", maxItemBytes), whole: true}
	}
	if b.total != nil {
		*b.total += n
		if *b.total > maxTransactionBytes {
			return &InvalidEventError{Rule: fmt.Sprintf("the batch's items are over DynamoDB's limit of %d bytes (4 MB) for one transaction", maxTransactionBytes), whole: true}
		}
	}
	return nil
}
