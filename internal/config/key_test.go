package config

import (
	"encoding/json"
	"strings"
	"testing"
)

func customerManaged(t *testing.T, kv ...any) Config {
	t.Helper()
	cfg, err := FromContext(withContext(defaultContext(t), append([]any{KeyTableEncryption, EncryptionCustomerManaged}, kv...)...), Regions)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestKeyPolicy(t *testing.T) {
	t.Parallel()
	cfg := customerManaged(t, KeyOrganizationID, "o-a1b2c3d4e5")
	got, _ := json.Marshal(cfg.KeyPolicy())
	want := `{"Statement":[` +
		`{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Resource":"*","Sid":"KeyAdministration"},` +
		`{"Action":"kms:Decrypt","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::222222222222:role/cross-account-items-writer"},` +
		`"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5","kms:ViaService":"dynamodb.us-east-1.amazonaws.com"}},` +
		`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Resource":"*","Sid":"Writer"}],"Version":"2012-10-17"}`
	if string(got) != want {
		t.Errorf("key policy:\n got %s\nwant %s", got, want)
	}
	st, _ := json.Marshal(cfg.WriterKeyUse().Statement())
	wantSt := `{"Action":"kms:Decrypt","Condition":{"StringEquals":{"kms:ViaService":"dynamodb.us-east-1.amazonaws.com"}},"Effect":"Allow","Resource":"arn:aws:kms:us-east-1:111111111111:key/*","Sid":"UseTableKey"}`
	if string(st) != wantSt {
		t.Errorf("writer key statement:\n got %s\nwant %s", st, wantSt)
	}
}

func TestKeyInChina(t *testing.T) {
	t.Parallel()
	cfg := customerManaged(t, KeyTableRegion, "cn-north-1", KeyWriters, `[{"name":"W","account":"222222222222","roleName":"r"}]`, KeyTableName, "items.v2")
	if got := cfg.WriterKeyUse().Statement()["Resource"]; got != "arn:aws-cn:kms:cn-north-1:111111111111:key/*" {
		t.Errorf("resource = %v", got)
	}
	if got := DynamoDBEndpoint(cfg.TablePartition, cfg.TableRegion); got != "dynamodb.cn-north-1.amazonaws.com.cn" {
		t.Errorf("kms:ViaService = %s", got)
	}
	if got := cfg.KeyAlias(); got != "alias/items-v2-table" {
		t.Errorf("alias = %s", got)
	}
}

// TestKeyViaServiceInEveryPartition checks kms:ViaService, in the writer's
// key statement and the key policy, in partitions whose endpoints do not
// end in amazonaws.com: a wrong suffix would refuse the writer the key.
func TestKeyViaServiceInEveryPartition(t *testing.T) {
	t.Parallel()
	for region, via := range map[string]string{
		"us-east-1":      "dynamodb.us-east-1.amazonaws.com",
		"cn-north-1":     "dynamodb.cn-north-1.amazonaws.com.cn",
		"us-iso-east-1":  "dynamodb.us-iso-east-1.c2s.ic.gov",
		"us-isob-east-1": "dynamodb.us-isob-east-1.sc2s.sgov.gov",
		"eusc-de-east-1": "dynamodb.eusc-de-east-1.amazonaws.eu",
	} {
		t.Run(region, func(t *testing.T) {
			t.Parallel()
			cfg := customerManaged(t, KeyTableRegion, region, KeyWriters, `[{"name":"W","account":"222222222222","roleName":"r"}]`)
			st, _ := json.Marshal(cfg.WriterKeyUse().Statement())
			policy, _ := json.Marshal(cfg.KeyPolicy())
			for what, doc := range map[string]string{"writer key statement": string(st), "key policy": string(policy)} {
				if !strings.Contains(doc, `"kms:ViaService":"`+via+`"`) {
					t.Errorf("%s lacks kms:ViaService %s: %s", what, via, doc)
				}
			}
		})
	}
}

// TestEveryPartitionHasADNSSuffix keeps DynamoDBEndpoint defined for
// every region the configuration accepts.
func TestEveryPartitionHasADNSSuffix(t *testing.T) {
	t.Parallel()
	for region, partition := range Regions {
		if _, ok := DNSSuffixes[partition]; !ok {
			t.Errorf("region %s: partition %s has no DNS suffix", region, partition)
		}
	}
}

// TestKeyPolicyFitsWhenTablePolicyDoes backs the claim on
// MaxKeyPolicyBytes: at the largest accepted configurations, with the
// shortest and the longest action lists, the key policy is within KMS's
// limit.
func TestKeyPolicyFitsWhenTablePolicyDoes(t *testing.T) {
	t.Parallel()
	for _, actions := range []string{`["dynamodb:GetItem"]`, `["dynamodb:PutItem","dynamodb:GetItem"]`} {
		largest := 0
		for n := 1; n < 200; n++ {
			writers := strings.ReplaceAll(writersJSON(n, 64), `["dynamodb:PutItem","dynamodb:GetItem"]`, actions)
			cfg, err := FromContext(withContext(defaultContext(t), KeyWriters, writers, KeyTableEncryption, EncryptionCustomerManaged, KeyOrganizationID, "o-"+strings.Repeat("a", 32)), Regions)
			if err != nil {
				break
			}
			largest = n
			if size := policySize(cfg.KeyPolicy()); size > MaxKeyPolicyBytes {
				t.Fatalf("%d writers with actions %s: key policy of %d bytes accepted", n, actions, size)
			}
		}
		if largest == 0 {
			t.Fatalf("no configuration accepted with actions %s", actions)
		}
	}
}
