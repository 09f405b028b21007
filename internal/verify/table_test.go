package verify

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

func TestCheckEncryption(t *testing.T) {
	t.Parallel()
	base := config.Config{TableAccount: "111111111111", TableRegion: "us-east-1", TablePartition: "aws", TableEncryption: config.EncryptionAWSOwned}
	cmk := base
	cmk.TableEncryption = config.EncryptionCustomerManaged
	kms := func(arn string) *types.TableDescription {
		return &types.TableDescription{SSEDescription: &types.SSEDescription{SSEType: types.SSETypeKms, Status: types.SSEStatusEnabled, KMSMasterKeyArn: aws.String(arn)}}
	}
	ownKey := "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	cases := []struct {
		name  string
		cfg   config.Config
		table *types.TableDescription
		want  string
	}{
		{"aws-owned as configured", base, &types.TableDescription{}, "OK     encryption at rest: AWS owned key"},
		{"aws-owned configured, KMS live", base, kms(ownKey), "FAIL   encryption at rest: KMS with KMS key " + ownKey},
		{"customer-managed as configured", cmk, kms(ownKey), "OK     encryption at rest: customer-managed key " + ownKey},
		{"customer-managed configured, AWS owned live", cmk, &types.TableDescription{}, "FAIL   encryption at rest: the AWS owned key; tableEncryption is customer-managed"},
		{"customer-managed configured, another account's key live", cmk, kms("arn:aws:kms:us-east-1:999999999999:key/x"), "FAIL   encryption at rest: KMS with KMS key arn:aws:kms:us-east-1:999999999999:key/x"},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		v := newVerifier(Options{Out: &out, Config: tc.cfg})
		v.checkEncryption(tc.table)
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s: got\n%s\nwant a line starting %q", tc.name, out.String(), tc.want)
		}
	}
}
