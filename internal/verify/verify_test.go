package verify

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/exitcode"
)

func testVerifier(out *bytes.Buffer) *verifier {
	return newVerifier(Options{
		Config:   config.Config{TableAccount: "111111111111", TableRegion: "eu-west-1"},
		Profiles: map[string]string{"111111111111": "prod-a"},
		Out:      out,
	})
}

// A denied read names the account, its profile, the region and the
// permission the profile lacks, and counts as "could not check".
func TestAccessDeniedNamesAccountRegionAndPermission(t *testing.T) {
	var out bytes.Buffer
	v := testVerifier(&out)
	err := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User: arn:aws:sts::111111111111:assumed-role/ops/x is not authorized to perform: dynamodb:GetResourcePolicy"}
	v.readFailed("111111111111", "eu-west-1", "dynamodb:GetResourcePolicy", "arn:aws:dynamodb:eu-west-1:111111111111:table/t", err)
	want := `ERROR  access denied: account 111111111111 (profile "prod-a"), region eu-west-1 may not dynamodb:GetResourcePolicy on arn:aws:dynamodb:eu-west-1:111111111111:table/t; grant dynamodb:GetResourcePolicy to that identity`
	if !strings.Contains(out.String(), want) {
		t.Errorf("output = %q, want it to contain %q", out.String(), want)
	}
	if code := v.summary(); code != exitcode.CannotCheck {
		t.Errorf("exit code %d, want %d", code, exitcode.CannotCheck)
	}
}

func TestOtherReadErrorsAreOneLine(t *testing.T) {
	var out bytes.Buffer
	v := testVerifier(&out)
	v.readFailed("111111111111", "eu-west-1", "dynamodb:DescribeTable", "arn:x", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"))
	want := `ERROR  dynamodb:DescribeTable on arn:x in account 111111111111 (profile "prod-a"), region eu-west-1 failed: dial tcp 127.0.0.1:1: connect: connection refused` + "\n"
	if out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		fill func(r *report)
		want int
	}{
		{"all passed", func(r *report) { r.ok("a") }, exitcode.OK},
		{"a difference", func(r *report) { r.ok("a"); r.fail("b") }, exitcode.Different},
		{"could not check wins over a difference", func(r *report) { r.fail("b"); r.cannot("c") }, exitcode.CannotCheck},
		{"a note changes nothing", func(r *report) { r.note("n") }, exitcode.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &report{out: &bytes.Buffer{}}
			tt.fill(r)
			if got := r.summary(); got != tt.want {
				t.Errorf("summary() = %d, want %d", got, tt.want)
			}
		})
	}
}

// IAM returns policy documents URL-encoded (RFC 3986).
func TestDecodePolicyUnescapesIAMDocuments(t *testing.T) {
	encoded := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
	doc, err := decodePolicy(&encoded)
	if err != nil {
		t.Fatal(err)
	}
	st := doc.(map[string]any)["Statement"].([]any)[0].(map[string]any)
	if st["Action"] != "sts:AssumeRole" {
		t.Errorf("decoded statement = %v", st)
	}
	plus := `{"Statement":[{"Resource":"arn:aws:iam::1:role/a+b"}]}` // a literal + stays a +
	doc, err = decodePolicy(&plus)
	if err != nil || !strings.Contains(doc.(map[string]any)["Statement"].([]any)[0].(map[string]any)["Resource"].(string), "a+b") {
		t.Errorf("decodePolicy(%s) = %v, %v", plus, doc, err)
	}
}
