package cdkcommands

import (
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/config"
)

func TestCommands(t *testing.T) {
	cfg := config.Config{
		TableAccount: "111111111111", TableRegion: "eu-west-1",
		Writers: []config.Writer{
			{Name: "Writer", Account: "222222222222", Region: "eu-west-1"},
			{Name: "Reporting", Account: "333333333333", Region: "eu-west-1"},
			{Name: "Audit", Account: "222222222222", Region: "eu-west-1"},
		},
	}
	profiles := map[string]string{"111111111111": "a", "222222222222": "b", "333333333333": "ops c"}
	ctx := []string{"tableName=orders"}
	tests := map[string][]string{
		"bootstrap": {
			"npx cdk bootstrap aws://111111111111/eu-west-1 --profile a",
			"npx cdk bootstrap aws://222222222222/eu-west-1 --profile b",
			"npx cdk bootstrap aws://333333333333/eu-west-1 --profile 'ops c'",
		},
		"deploy": {
			"npx cdk deploy TableStack -e -c tableName=orders --profile a",
			"npx cdk deploy WriterStack -e -c tableName=orders --profile b",
			"npx cdk deploy ReportingStack -e -c tableName=orders --profile 'ops c'",
			"npx cdk deploy AuditStack -e -c tableName=orders --profile b",
		},
		"destroy": {
			"npx cdk destroy WriterStack -e -c tableName=orders --profile b",
			"npx cdk destroy ReportingStack -e -c tableName=orders --profile 'ops c'",
			"npx cdk destroy AuditStack -e -c tableName=orders --profile b",
			"npx cdk destroy TableStack -e -c tableName=orders --profile a",
		},
	}
	for verb, want := range tests {
		got, err := Commands(verb, cfg, profiles, ctx)
		if err != nil || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("Commands(%s) =\n%s\n%v\nwant\n%s", verb, strings.Join(got, "\n"), err, strings.Join(want, "\n"))
		}
	}
	if _, err := Commands("synth", cfg, profiles, nil); err == nil || !strings.Contains(err.Error(), `got "synth", want one of bootstrap, deploy, diff, destroy`) {
		t.Errorf("Commands(synth) error = %v", err)
	}
}

// A writer without dynamodb:PutItem gets no function, so verify expects none.
