// Package tablespec is the contract between the table and its writers: the
// key schema TableStack creates, and the rules for the table's name and ARN.
// TableStack, the writer function, the local harness and the checks all read
// it from here, so a change to the key schema reaches every one of them.
// It does not import the CDK.
package tablespec

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// The table's key schema: both keys are strings.
const (
	// PartitionKey is the name of the table's partition (hash) key.
	PartitionKey = "category"
	// SortKey is the name of the table's sort (range) key.
	SortKey = "item"
)

// ExampleArn is a table ARN for messages and documentation.
const ExampleArn = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"

// NameRule describes a valid table name, for error messages.
const NameRule = "3 to 255 characters of A-Z a-z 0-9 _ . -"

// ValidName reports whether name is a valid DynamoDB table name. It checks
// the bytes itself: the regular expression [A-Za-z0-9_.-]{3,255} compiles
// to 255 copies of its class, which took 4 ms of the writer's cold start.
func ValidName(name string) bool {
	if len(name) < 3 || len(name) > 255 {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if !isDigit(c) && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// ValidAccount reports whether id is a 12-digit AWS account ID.
func ValidAccount(id string) bool {
	if len(id) != 12 {
		return false
	}
	for i := range len(id) {
		if !isDigit(id[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// Table is a parsed table ARN.
type Table struct {
	arn.ARN
	// Name is the table's name.
	Name string
}

// ParseArn checks that s is the ARN of a DynamoDB table (not of an index or
// a stream) and returns its parts. The error names what is wrong.
func ParseArn(s string) (Table, error) {
	a, err := arn.Parse(s)
	if err != nil {
		return Table{}, fmt.Errorf("%q: %v; want a table ARN such as %s", s, err, ExampleArn)
	}
	name, isTable := strings.CutPrefix(a.Resource, "table/")
	switch {
	case a.Service != "dynamodb":
		return Table{}, fmt.Errorf("%q: service is %q, want dynamodb", s, a.Service)
	case a.Region == "":
		return Table{}, fmt.Errorf("%q: region is empty; want the table's region", s)
	case !ValidAccount(a.AccountID):
		return Table{}, fmt.Errorf("%q: account %q, want 12 digits", s, a.AccountID)
	case !isTable:
		return Table{}, fmt.Errorf("%q: resource %q, want table/<name>", s, a.Resource)
	case !ValidName(name):
		return Table{}, fmt.Errorf("%q: table name %q, want %s (an index or stream ARN is not a table ARN)", s, name, NameRule)
	}
	return Table{ARN: a, Name: name}, nil
}
