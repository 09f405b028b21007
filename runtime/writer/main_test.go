package main

import (
	"strings"
	"testing"
)

func TestParseTableARN(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		wantErr string // empty: valid
	}{
		{"arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items", ""},
		{"arn:aws-cn:dynamodb:cn-north-1:111111111111:table/t.1_x-y", ""},
		{"", "TABLE_ARN is not set"},
		{"cross-account-items", "arn: invalid prefix"},
		{"arn:aws:s3:us-east-1:111111111111:table/items", `service is "s3", want dynamodb`},
		{"arn:aws:dynamodb::111111111111:table/items", "region is empty"},
		{"arn:aws:dynamodb:us-east-1:1111:table/items", `account "1111", want 12 digits`},
		{"arn:aws:dynamodb:us-east-1:111111111111:items", `resource "items", want table/<name>`},
		{"arn:aws:dynamodb:us-east-1:111111111111:table/items/index/by-time", "an index or stream ARN is not a table ARN"},
		{"arn:aws:dynamodb:us-east-1:111111111111:table/ab", `table name "ab"`},
	}
	for _, tt := range tests {
		got, err := parseTableARN(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("parseTableARN(%q) = %v, want no error", tt.in, err)
		case tt.wantErr == "" && got.String() != tt.in:
			t.Errorf("parseTableARN(%q) = %q, want the ARN back", tt.in, got)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseTableARN(%q) = %v, want an error containing %q", tt.in, err, tt.wantErr)
		}
	}
}
