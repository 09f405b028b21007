package arns

import "testing"

func TestBuildAndRead(t *testing.T) {
	t.Parallel()
	for got, want := range map[string]string{
		Role("aws", "222222222222", "writer"):                                  "arn:aws:iam::222222222222:role/writer",
		RoleWithPath("aws-cn", "222222222222", "/team/", "writer"):             "arn:aws-cn:iam::222222222222:role/team/writer",
		ManagedPolicy("aws", "222222222222", "/", "p"):                         "arn:aws:iam::222222222222:policy/p",
		Root("aws-iso", "111111111111"):                                        "arn:aws-iso:iam::111111111111:root",
		Table("aws", "us-east-1", "111111111111", "items"):                     "arn:aws:dynamodb:us-east-1:111111111111:table/items",
		Index("arn:aws:dynamodb:us-east-1:111111111111:table/items", "byTime"): "arn:aws:dynamodb:us-east-1:111111111111:table/items/index/byTime",
		Key("aws", "eu-west-1", "111111111111", "*"):                           "arn:aws:kms:eu-west-1:111111111111:key/*",
		Function("aws", "us-east-1", "222222222222", "w"):                      "arn:aws:lambda:us-east-1:222222222222:function:w",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
	a, ok := Parts("arn:aws-cn:dynamodb:cn-north-1:111111111111:table/items")
	if !ok || a.Partition != "aws-cn" || a.Region != "cn-north-1" || a.AccountID != "111111111111" || a.Resource != "table/items" {
		t.Errorf("Parts = %+v, %v", a, ok)
	}
	if _, ok := Parts("not-an-arn"); ok {
		t.Error("Parts accepted not-an-arn")
	}
	for s, want := range map[string]string{"arn:aws-us-gov:iam::1:root": "aws-us-gov", "arn:*:iam::*:role/x": "*", "x": ""} {
		if got := Partition(s); got != want {
			t.Errorf("Partition(%q) = %q, want %q", s, got, want)
		}
	}
}
