package config

import (
	"strings"
	"testing"
)

func TestOptions(t *testing.T) {
	t.Parallel()
	cfg, err := FromContext(withContext(defaultContext(t),
		KeyTableEncryption, "customer-managed", KeyOrganizationID, "o-a1b2c3d4e5", KeyAlarmEmail, "ops@example.com"), Regions)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.CustomerManagedKey() || cfg.OrganizationID != "o-a1b2c3d4e5" || cfg.AlarmEmail != "ops@example.com" {
		t.Errorf("config = %+v", cfg)
	}
	// THEN every statement of the table policy also requires the
	// organization
	st := TablePolicy(cfg.Grants())["Statement"].([]any)[0].(map[string]any)
	cond := st["Condition"].(map[string]any)
	if got := cond["StringEquals"]; got == nil || got.(map[string]any)["aws:PrincipalOrgID"] != "o-a1b2c3d4e5" {
		t.Errorf("condition = %v, want StringEquals aws:PrincipalOrgID o-a1b2c3d4e5", cond)
	}
	if cond["ArnEquals"] == nil {
		t.Errorf("condition = %v lost the role's ArnEquals", cond)
	}
}

func TestOptionDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := FromContext(defaultContext(t), Regions)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CustomerManagedKey() || cfg.TableEncryption != "aws-owned" || cfg.OrganizationID != "" || cfg.AlarmEmail != "" || !cfg.Checks {
		t.Errorf("defaults = %+v, want aws-owned, no organization, no e-mail, the checks on", cfg)
	}
	st := TablePolicy(cfg.Grants())["Statement"].([]any)[0].(map[string]any)
	if _, ok := st["Condition"].(map[string]any)["StringEquals"]; ok {
		t.Errorf("default policy has an organization condition: %v", st["Condition"])
	}
}

func TestOptionErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		kv   []any
		want string
	}{
		{[]any{KeyTableEncryption, "aws-managed"}, `tableEncryption: got "aws-managed": the AWS managed key alias/aws/dynamodb cannot be used across accounts`},
		{[]any{KeyTableEncryption, "kms"}, `tableEncryption: got "kms", want "aws-owned" (the default) or "customer-managed"`},
		{[]any{KeyTableEncryption, true}, `tableEncryption: got a boolean, want a string`},
		{[]any{KeyOrganizationID, "o-short"}, `organizationId: got "o-short", want o- then 10 to 32 lowercase letters or digits`},
		{[]any{KeyOrganizationID, "o-ABCDEFGHIJ"}, `organizationId: got "o-ABCDEFGHIJ"`},
		{[]any{KeyOrganizationID, "o-" + strings.Repeat("a", 33)}, `organizationId: got "o-aaaa`},
		{[]any{KeyAlarmEmail, "ops"}, `alarmEmail: got "ops", want one e-mail address`},
		{[]any{KeyAlarmEmail, "Ops <ops@example.com>"}, `alarmEmail: got "Ops <ops@example.com>", want one e-mail address`},
		{[]any{"organisationId", "o-a1b2c3d4e5"}, `organisationId: unknown context key; did you mean "organizationId"?`},
		{[]any{KeyChecks, "yes"}, `checks: got "yes", want true or false`},
		{[]any{KeyChecks, 1.0}, `checks: got a number, want true or false`},
		{[]any{"check", true}, `check: unknown context key; did you mean "checks"?`},
	}
	for _, tc := range cases {
		_, err := FromContext(withContext(defaultContext(t), tc.kv...), Regions)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want an error containing %q", tc.kv, err, tc.want)
		}
	}
}

// checks comes as a JSON boolean from cdk.json and as a string from -c;
// absent, the gates are on.
func TestChecksSetting(t *testing.T) {
	t.Parallel()
	for _, v := range []any{true, "true", false, "false", nil} {
		ctx := withContext(defaultContext(t), KeyChecks, v)
		if v == nil {
			delete(ctx, KeyChecks)
		}
		cfg, err := FromContext(ctx, Regions)
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		if want := v == nil || v == true || v == "true"; cfg.Checks != want {
			t.Errorf("checks %#v: Checks = %v, want %v", v, cfg.Checks, want)
		}
	}
}
