package access

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPolicyDiff(t *testing.T) {
	t.Parallel()
	parse := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	declared := parse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["dynamodb:PutItem","dynamodb:GetItem"],"Resource":"*"},
		{"Sid":"B","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"dynamodb:PutItem","Resource":"*"}]}`)
	// The same statements in another order, lists reordered, one value as a
	// one-element list: equivalent.
	same := parse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"B","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::333333333333:root"]},"Action":["dynamodb:PutItem"],"Resource":["*"]},
		{"Resource":"*","Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["dynamodb:GetItem","dynamodb:PutItem"]}]}`)
	if d := PolicyDiff(same, declared); len(d) != 0 {
		t.Errorf("equivalent policies differ: %v", d)
	}
	// A second principal on B and an extra statement: both named.
	changed := parse(`{"Version":"2012-10-17","Statement":[
		{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":["dynamodb:PutItem","dynamodb:GetItem"],"Resource":"*"},
		{"Sid":"B","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::333333333333:root","arn:aws:iam::444444444444:root"]},"Action":"dynamodb:PutItem","Resource":"*"},
		{"Sid":"C","Effect":"Allow","Principal":"*","Action":"dynamodb:Scan","Resource":"*"}]}`)
	d := strings.Join(PolicyDiff(changed, declared), "\n")
	for _, want := range []string{
		`statement not declared: {"Action":"dynamodb:PutItem","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::333333333333:root","arn:aws:iam::444444444444:root"]},"Resource":"*","Sid":"B"}`,
		`statement not declared: {"Action":"dynamodb:Scan","Effect":"Allow","Principal":"*","Resource":"*","Sid":"C"}`,
		`declared statement missing: {"Action":"dynamodb:PutItem","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Resource":"*","Sid":"B"}`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %s; got:\n%s", want, d)
		}
	}
	if n := len(PolicyDiff(changed, declared)); n != 3 {
		t.Errorf("got %d lines, want 3", n)
	}
}
