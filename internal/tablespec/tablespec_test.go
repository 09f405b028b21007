package tablespec

import (
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/arns"
)

func TestArnRoundTrip(t *testing.T) {
	t.Parallel()
	s := arns.Table("aws-cn", "cn-north-1", "111111111111", "items.v2")
	tbl, err := ParseArn(s)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Partition != "aws-cn" || tbl.Region != "cn-north-1" || tbl.AccountID != "111111111111" || tbl.Name != "items.v2" {
		t.Errorf("ParseArn(%s) = %+v", s, tbl)
	}
}

func TestParseArnRejects(t *testing.T) {
	t.Parallel()
	for arn, want := range map[string]string{
		"":                    "arn: invalid prefix",
		"cross-account-items": "arn: invalid prefix",
		"arn:aws:s3:us-east-1:111111111111:table/t1x":               `service is "s3"`,
		"arn:aws:dynamodb::111111111111:table/t1x":                  "region is empty",
		"arn:aws:dynamodb:us-east-1:1111:table/t1x":                 `account "1111"`,
		"arn:aws:dynamodb:us-east-1:111111111111:t1x":               `resource "t1x"`,
		"arn:aws:dynamodb:us-east-1:111111111111:table/t1x/index/i": `table name "t1x/index/i"`,
		"arn:aws:dynamodb:us-east-1:111111111111:table/ab":          `table name "ab"`,
	} {
		_, err := ParseArn(arn)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseArn(%q) = %v, want an error containing %q", arn, err, want)
		}
	}
}

func TestValidNameAndAccountBoundaries(t *testing.T) {
	t.Parallel()
	names := map[string]bool{
		"abc": true, "A_b.c-9": true, strings.Repeat("a", 255): true,
		"ab": false, strings.Repeat("a", 256): false, "a b": false, "tab/le": false, "tablé": false, "abc\n": false, "": false,
	}
	for name, want := range names {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%.20q) = %v, want %v", name, got, want)
		}
	}
	accounts := map[string]bool{
		"111111111111": true, "012345678901": true,
		"11111111111": false, "1111111111111": false, "11111111111a": false, "": false, "111111111111\n": false,
	}
	for id, want := range accounts {
		if got := ValidAccount(id); got != want {
			t.Errorf("ValidAccount(%q) = %v, want %v", id, got, want)
		}
	}
}
