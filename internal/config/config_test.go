package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestDefaultConfig(t *testing.T) {
	t.Parallel()
	cfg, err := FromContext(defaultContext(t), Regions)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		TableAccount: "111111111111", TableRegion: "us-east-1", TableName: "cross-account-items", TablePartition: "aws", TableEncryption: "aws-owned", Checks: true,
		Writers: []Writer{{Name: "Writer", Account: "222222222222", Region: "us-east-1",
			RoleName: "cross-account-items-writer", Actions: []string{"dynamodb:PutItem"}, Source: "invoke", Partition: "aws"}},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config:\n got %+v\nwant %+v", cfg, want)
	}
}

func TestConfigDefaultsForAWriter(t *testing.T) {
	t.Parallel()
	// GIVEN a writer with no region and no actions
	writers := `[{"name":"Writer","account":"222222222222","roleName":"r"}]`
	cfg, err := FromContext(withContext(defaultContext(t), KeyWriters, writers, KeyTableRegion, "eu-west-1"), Regions)
	if err != nil {
		t.Fatal(err)
	}
	// THEN it runs in the table's region and may only put items
	w := cfg.Writers[0]
	if w.Region != "eu-west-1" || !slices.Equal(w.Actions, []string{"dynamodb:PutItem"}) {
		t.Errorf("writer = %+v, want region eu-west-1 and actions [dynamodb:PutItem]", w)
	}
}

func TestConfigFromCommandLineStrings(t *testing.T) {
	t.Parallel()
	// GIVEN values as `cdk synth -c key=value` passes them: all strings
	ctx := withContext(defaultContext(t),
		KeyTableAccount, "333333333333",
		KeyWriters, `[{"name":"Writer","account":"444444444444","region":"eu-west-1","roleName":"r","actions":["dynamodb:PutItem","dynamodb:GetItem"]}]`)
	cfg, err := FromContext(ctx, Regions)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TableAccount != "333333333333" || cfg.Writers[0].Account != "444444444444" || len(cfg.Writers[0].Actions) != 2 {
		t.Errorf("config = %+v", cfg)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	writer := func(fields string) string {
		return `[{"name":"Writer","account":"222222222222","roleName":"r"` + fields + `}]`
	}
	cases := []struct {
		name string
		kv   []any
		want []string // each must appear in the error
	}{
		{"short account", []any{KeyTableAccount, "12345"}, []string{`tableAccount: got "12345", want 12 digits`}},
		{"account with letters", []any{KeyTableAccount, "11111111111a"}, []string{`tableAccount: got "11111111111a", want 12 digits`}},
		{"account as a number", []any{KeyTableAccount, float64(111111111111)}, []string{"tableAccount: got a number, want a string"}},
		{"writer account", []any{KeyWriters, `[{"name":"Writer","account":"2222","roleName":"r"}]`}, []string{`writers[0].account: got "2222", want 12 digits`}},
		{"same account", []any{KeyWriters, `[{"name":"Writer","account":"111111111111","roleName":"r"}]`},
			[]string{`writers[0].account: got "111111111111", the table's own account`}},
		{"unknown table region", []any{KeyTableRegion, "us-east-9"}, []string{`tableRegion: got "us-east-9", want a known AWS region`}},
		{"unknown writer region", []any{KeyWriters, writer(`,"region":"mars-1"`)}, []string{`writers[0].region: got "mars-1", want a known AWS region`}},
		{"table name too short", []any{KeyTableName, "ab"}, []string{`tableName: got "ab", want 3 to 255 characters`}},
		{"table name with a slash", []any{KeyTableName, "a/b/c"}, []string{`tableName: got "a/b/c"`}},
		{"table name too long", []any{KeyTableName, strings.Repeat("t", 256)}, []string{"tableName: got", "want 3 to 255 characters"}},
		{"role name with a space", []any{KeyWriters, `[{"name":"Writer","account":"222222222222","roleName":"my role"}]`},
			[]string{`writers[0].roleName: got "my role", want 1 to 64 characters`}},
		{"role name too long", []any{KeyWriters, `[{"name":"Writer","account":"222222222222","roleName":"` + strings.Repeat("r", 65) + `"}]`},
			[]string{"writers[0].roleName: got", "want 1 to 64 characters"}},
		{"dynamodb:*", []any{KeyWriters, writer(`,"actions":["dynamodb:*"]`)}, []string{`writers[0].actions[0]: got "dynamodb:*", wildcards are not allowed`}},
		{"partial wildcard", []any{KeyWriters, writer(`,"actions":["dynamodb:Put*"]`)}, []string{`writers[0].actions[0]: got "dynamodb:Put*", wildcards are not allowed`}},
		{"bare wildcard", []any{KeyWriters, writer(`,"actions":["*"]`)}, []string{`writers[0].actions[0]: got "*", wildcards are not allowed`}},
		{"DeleteTable", []any{KeyWriters, writer(`,"actions":["dynamodb:DeleteTable"]`)}, []string{`writers[0].actions[0]: got "dynamodb:DeleteTable", not a DynamoDB data-plane item action`}},
		{"UpdateTable", []any{KeyWriters, writer(`,"actions":["dynamodb:PutItem","dynamodb:UpdateTable"]`)}, []string{`writers[0].actions[1]: got "dynamodb:UpdateTable", not a DynamoDB data-plane item action`}},
		{"PutResourcePolicy", []any{KeyWriters, writer(`,"actions":["dynamodb:PutResourcePolicy"]`)}, []string{`got "dynamodb:PutResourcePolicy", not a DynamoDB data-plane item action`}},
		{"non-dynamodb action", []any{KeyWriters, writer(`,"actions":["s3:PutObject"]`)}, []string{`writers[0].actions[0]: got "s3:PutObject", not a DynamoDB action`}},
		{"empty actions", []any{KeyWriters, writer(`,"actions":[]`)}, []string{"writers[0].actions: got an empty list, want at least one action"}},
		{"duplicate action", []any{KeyWriters, writer(`,"actions":["dynamodb:PutItem","dynamodb:PutItem"]`)}, []string{`writers[0].actions[1]: got "dynamodb:PutItem" twice`}},
		{"duplicate writer names", []any{KeyWriters, `[{"name":"Writer","account":"222222222222","roleName":"a"},{"name":"Writer","account":"333333333333","roleName":"b"}]`},
			[]string{`writers[1].name: got "Writer", already used by writers[0]`}},
		{"duplicate role names", []any{KeyWriters, `[{"name":"A","account":"222222222222","roleName":"r"},{"name":"B","account":"222222222222","roleName":"R"}]`},
			[]string{`writers[1].roleName: got "R", already used by writers[0] in account 222222222222`}},
		{"writer names differing only in case", []any{KeyWriters, `[{"name":"Writer","account":"222222222222","roleName":"a"},{"name":"writer","account":"333333333333","roleName":"b"}]`},
			[]string{`writers[1].name: got "writer", already used by writers[0]; writer names must be unique, ignoring case`}},
		{"writer in another partition", []any{KeyWriters, writer(`,"region":"cn-north-1"`)},
			[]string{`writers[0].region: got "cn-north-1" in partition aws-cn, the table is in aws`}},
		{"writer named Table", []any{KeyWriters, `[{"name":"Table","account":"222222222222","roleName":"r"}]`}, []string{`writers[0].name: got "Table", which would name its stack TableStack like the table's stack TableStack`}},
		{"writer named table", []any{KeyWriters, `[{"name":"table","account":"222222222222","roleName":"r"}]`},
			[]string{`writers[0].name: got "table", which would name its stack tableStack like the table's stack TableStack, ignoring case; stack names must be unique ignoring case`}},
		{"unknown key region", []any{"region", "eu-west-1"}, []string{"region: unknown context key; the app reads tableAccount, tableRegion, tableName, writers, tableEncryption, organizationId, alarmEmail, checks"}},
		{"unknown key account", []any{"account", "123456789012"}, []string{"account: unknown context key; the app reads tableAccount, tableRegion,"}},
		{"unknown key of the user's", []any{"team", "payments"}, []string{"team: unknown context key; the app reads"}},
		{"kebab-case spelling of a key", []any{"table-name", "orders"}, []string{`table-name: unknown context key; did you mean "tableName"?`}},
		{"writer name with a dash", []any{KeyWriters, `[{"name":"my-writer","account":"222222222222","roleName":"r"}]`}, []string{`writers[0].name: got "my-writer", want a letter then`}},
		{"empty writers", []any{KeyWriters, []any{}}, []string{"writers: got an empty list, want at least one writer"}},
		{"writers not a list", []any{KeyWriters, `{"name":"Writer"}`}, []string{"writers: got an object, want a JSON list of writer objects, even for one writer: on the command line -c 'writers=[{\"name\":"}},
		{"writers an object in cdk.json", []any{KeyWriters, map[string]any{"name": "Writer"}}, []string{`writers: got an object, want a JSON list of writer objects, even for one writer: in cdk.json "writers": [{"name": "Writer", ...}]`}},
		{"writers with the shell's quotes removed", []any{KeyWriters, `[{name:Writer,account:222222222222,roleName:r}]`},
			[]string{`writers: got "[{name:Writer,account:222222222222,roleName:r}]", which is not JSON: the shell removed its double quotes; put the whole value in single quotes: -c 'writers=[{"name":"Writer"`}},
		{"writers not JSON", []any{KeyWriters, `Writer`}, []string{`writers: got "Writer", which is not JSON (invalid character 'W'`, `in single quotes for the shell: -c 'writers=[`}},
		{"writers a number in cdk.json", []any{KeyWriters, 1.0}, []string{"writers: got a number, want a JSON list of writer objects"}},
		{"unknown writer field", []any{KeyWriters, writer(`,"acount":"x"`)}, []string{`writers[0]: unknown field "acount"`}},
		{"writer field of the wrong type", []any{KeyWriters, `[{"name":"Writer","account":222222222222,"roleName":"r"}]`}, []string{"writers[0]: account: got number, want string"}},
		{"typo of a key", []any{"tableAcount", "333333333333"}, []string{`tableAcount: unknown context key; did you mean "tableAccount"?`}},
		{"wrong case of a key", []any{"TableName", "x"}, []string{`TableName: unknown context key; did you mean "tableName"?`}},
		{"typo of writers", []any{"writer", "[]"}, []string{`writer: unknown context key; did you mean "writers"?`}},
		{"missing key", []any{KeyTableName, nil}, []string{"tableName: missing"}},
		{"several problems at once", []any{KeyTableAccount, "1", KeyTableRegion, "nowhere"},
			[]string{`tableAccount: got "1", want 12 digits`, `tableRegion: got "nowhere"`}},
		{"a key that does not parse hides no other", []any{KeyChecks, "yes", KeyWriters, `[{name:W}]`, KeyTableAccount, "1", KeyAlarmEmail, "ops", "region", "x"},
			[]string{`checks: got "yes", want true or false`, "writers: got", "the shell removed its double quotes", `tableAccount: got "1", want 12 digits`, `alarmEmail: got "ops"`, "region: unknown context key"}},
		{"one writer that does not parse hides no other", []any{KeyWriters, `[{"name":"A","account":1,"roleName":"a"},{"name":"B","account":"2","roleName":"b"}]`},
			[]string{"writers[0]: account: got number, want string", `writers[1].account: got "2", want 12 digits`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := withContext(defaultContext(t), tc.kv...)
			if tc.kv[1] == nil {
				delete(ctx, tc.kv[0].(string))
			}
			_, err := FromContext(ctx, Regions)
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, want)
				}
			}
		})
	}
}

// aws-cdk's own keys pass by their shape: the CLI's, the feature flags, the
// lookups it caches in cdk.context.json.
func TestCDKKeysPass(t *testing.T) {
	t.Parallel()
	ctx := withContext(defaultContext(t),
		"aws:cdk:bundling-stacks", []any{}, "aws:cdk:enable-path-metadata", true, "aws:cdk:enable-asset-metadata", true,
		"aws:cdk:version-reporting", true, "aws:cdk:a-setting-of-a-later-release", true,
		"@aws-cdk/core:failSynthOnValidationErrors", false, "@aws-cdk/aws-s3:aFlagOfALaterRelease", true,
		"@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver", true, "aws-cdk:enableDiffNoFail", "true",
		"acknowledged-issue-numbers", []any{1}, "cli-telemetry", false, "assets-ecr-repository-name", "repo",
		"availability-zones:account=111111111111:region=us-east-1", []any{"us-east-1a"})
	if _, err := FromContext(ctx, Regions); err != nil {
		t.Errorf("got %v, want no error", err)
	}
}

// A key that does not parse is not reported twice: its rules are quiet.
func TestAKeyThatDoesNotParseIsReportedOnce(t *testing.T) {
	t.Parallel()
	_, err := FromContext(withContext(defaultContext(t), KeyTableAccount, 1.0, KeyTableRegion, true, KeyWriters, "[{"), Regions)
	if err == nil {
		t.Fatal("got no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"tableAccount: got a number, want a string", "tableRegion: got a boolean, want a string", `writers: got "[{", which is not JSON`}
	if len(lines) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d = %q, want it to start with %q", i, lines[i], w)
		}
	}
}

func TestRoleNamesMayRepeatAcrossAccounts(t *testing.T) {
	t.Parallel()
	writers := `[{"name":"A","account":"222222222222","roleName":"writer"},{"name":"B","account":"333333333333","roleName":"writer"}]`
	if _, err := FromContext(withContext(defaultContext(t), KeyWriters, writers), Regions); err != nil {
		t.Errorf("got %v, want no error: IAM role names are unique per account", err)
	}
}
