package config

import (
	"fmt"
	"net/mail"
	"regexp"
)

// Context keys of the production options. Each is optional.
const (
	KeyTableEncryption = "tableEncryption"
	KeyOrganizationID  = "organizationId"
	KeyAlarmEmail      = "alarmEmail"
	// KeyChecks switches the synth's compliance gates: cdk-nag's
	// AwsSolutions checks and aws-cdk-lib's template validation. true (the
	// default) or false, an inner-loop setting; make destroy sets false.
	KeyChecks = "checks"
)

// The table encryption settings.
const (
	// EncryptionAWSOwned is DynamoDB's default: a key AWS owns and manages
	// in its own account, free, and usable from any account the table policy
	// lets in.
	EncryptionAWSOwned = "aws-owned"
	// EncryptionCustomerManaged is a KMS key TableStack creates in the table
	// account, whose key policy lets each writer role use it through
	// DynamoDB.
	EncryptionCustomerManaged = "customer-managed"
	// encryptionAWSManaged is alias/aws/dynamodb, which cannot work here.
	encryptionAWSManaged = "aws-managed"
)

var orgIDPattern = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)

// readOptions reads the optional settings into c, with their defaults, and
// returns the problems by key.
func (c *Config) readOptions(context map[string]any) map[string]error {
	errs := map[string]error{}
	for _, opt := range []struct {
		key string
		dst *string
	}{{KeyTableEncryption, &c.TableEncryption}, {KeyOrganizationID, &c.OrganizationID}, {KeyAlarmEmail, &c.AlarmEmail}} {
		key, dst := opt.key, opt.dst
		if v, ok := context[key]; ok && v != nil {
			s, isString := v.(string)
			if !isString {
				errs[key] = fmt.Errorf("%s: got %s, want a string (quote it in cdk.json)", key, jsonKind(v))
				continue
			}
			*dst = s
		}
	}
	if c.TableEncryption == "" {
		c.TableEncryption = EncryptionAWSOwned
	}
	var err error
	if c.Checks, err = boolValue(context, KeyChecks, true); err != nil {
		errs[KeyChecks] = err
	}
	return errs
}

// boolValue reads an optional true/false setting: a JSON boolean from
// cdk.json, or the string "true" or "false" from -c key=value. Absent is
// def.
func boolValue(context map[string]any, key string, def bool) (bool, error) {
	switch v := context[key].(type) {
	case nil:
		return def, nil
	case bool:
		return v, nil
	case string:
		if v == "true" || v == "false" {
			return v == "true", nil
		}
		return false, fmt.Errorf("%s: got %q, want true or false", key, v)
	default:
		return false, fmt.Errorf("%s: got %s, want true or false", key, jsonKind(v))
	}
}

// validateOptions checks the production settings.
func (c Config) validateOptions(add func(key, format string, args ...any)) {
	switch c.TableEncryption {
	case EncryptionAWSOwned, EncryptionCustomerManaged:
	case encryptionAWSManaged:
		add(KeyTableEncryption, "got %q: the AWS managed key alias/aws/dynamodb cannot be used across accounts (its key policy trusts only the table's own account and cannot be changed), so no writer could use the table; want %q or %q",
			c.TableEncryption, EncryptionAWSOwned, EncryptionCustomerManaged)
	default:
		add(KeyTableEncryption, "got %q, want %q (the default) or %q", c.TableEncryption, EncryptionAWSOwned, EncryptionCustomerManaged)
	}
	if c.OrganizationID != "" && !orgIDPattern.MatchString(c.OrganizationID) {
		add(KeyOrganizationID, "got %q, want o- then 10 to 32 lowercase letters or digits, such as o-a1b2c3d4e5", c.OrganizationID)
	}
	if c.AlarmEmail != "" {
		if a, err := mail.ParseAddress(c.AlarmEmail); err != nil || a.Address != c.AlarmEmail {
			add(KeyAlarmEmail, "got %q, want one e-mail address such as ops@example.com", c.AlarmEmail)
		}
	}
}

// CustomerManagedKey reports whether the table is encrypted with a key
// TableStack creates.
func (c Config) CustomerManagedKey() bool { return c.TableEncryption == EncryptionCustomerManaged }
