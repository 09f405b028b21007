package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args         []string
		code         int
		stdout, errs string
	}{
		{[]string{"-cdk-json", "../../cdk.json", "-profile-a", "a", "-profile-b", "b", "-c", "checks=false", "destroy"}, 0,
			"npx cdk destroy WriterStack -e -c checks=false --profile b\nnpx cdk destroy TableStack -e -c checks=false --profile a\n", ""},
		{[]string{"-cdk-json", "../../cdk.json", "-profile", "222222222222=ops b", "bootstrap"}, 0,
			"npx cdk bootstrap aws://111111111111/us-east-1\nnpx cdk bootstrap aws://222222222222/us-east-1 --profile 'ops b'\n", ""},
		{[]string{"-cdk-json", "../../cdk.json", "synth"}, 2, "", `got "synth", want one of bootstrap, deploy, diff, destroy`},
		{[]string{"-cdk-json", "../../cdk.json"}, 2, "", "usage: cdkcommands"},
		{[]string{"-cdk-json", "../../cdk.json", "-profile", "333333333333=c", "deploy"}, 2, "", "account 333333333333 is neither tableAccount nor a writer's account"},
		{[]string{"-cdk-json", "../../cdk.json", "-c", "tableAccount=1", "deploy"}, 2, "", `tableAccount: got "1", want 12 digits`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code || stdout.String() != tc.stdout || !strings.Contains(stderr.String(), tc.errs) {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, %q, stderr with %q", tc.args, code, stdout.String(), stderr.String(), tc.code, tc.stdout, tc.errs)
		}
	}
}
