package config

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// Overrides collects repeated -c key=value flags, as `cdk synth -c` takes
// them; it is a flag.Value.
type Overrides struct {
	// Values maps each key to its last value.
	Values map[string]any
	// Args are the flags' arguments as given.
	Args []string
}

func (o *Overrides) String() string { return strings.Join(o.Args, " ") }

// Set adds one key=value.
func (o *Overrides) Set(s string) error {
	key, value, ok := strings.Cut(s, "=")
	if !ok || key == "" {
		return errors.New("want key=value")
	}
	if o.Values == nil {
		o.Values = map[string]any{}
	}
	o.Values[key] = value
	o.Args = append(o.Args, s)
	return nil
}

// ReadContext returns the "context" of the cdk.json file with overrides on
// top, as the CDK CLI hands it to the app.
func ReadContext(cdkJSON string, overrides map[string]any) (map[string]any, error) {
	context, err := ContextFromFile(cdkJSON)
	if err != nil {
		return nil, err
	}
	if context == nil {
		context = map[string]any{}
	}
	for k, v := range overrides {
		context[k] = v
	}
	return context, nil
}

// Load returns the configuration of cdk.json's "context" with the -c
// values on top, as the CDK CLI hands it to the app, validated whole.
func Load(cdkJSON string, overrides Overrides) (Config, error) {
	context, err := ReadContext(cdkJSON, overrides.Values)
	if err != nil {
		return Config{}, err
	}
	cfg, err := FromContext(context, Regions)
	if err != nil {
		return Config{}, fmt.Errorf("invalid configuration (%s context or -c):\n%w", cdkJSON, err)
	}
	return cfg, nil
}

// Profiles are the AWS profiles of the accounts, as the operator's tools
// take them: -profile-a for the table's account, -profile-b for the
// writers', and -profile ACCOUNT=PROFILE, repeatable, for any one account.
type Profiles struct {
	TableAccount, WriterAccounts string
	PerAccount                   map[string]string
}

// Register adds the three flags to fs.
func (p *Profiles) Register(fs *flag.FlagSet) {
	fs.StringVar(&p.TableAccount, "profile-a", "", "AWS profile of the table's account (tableAccount); empty: the default credentials")
	fs.StringVar(&p.WriterAccounts, "profile-b", "", "AWS profile of the writers' account (writers[].account); empty: the default credentials")
	fs.Var(perAccount{&p.PerAccount}, "profile", "`ACCOUNT=PROFILE`: the profile of one account, for writers in more than one account (repeatable; wins over -profile-a and -profile-b)")
}

// Of maps each account of cfg to its profile and to the flag that sets it.
func (p *Profiles) Of(cfg Config) (profiles, flagNames map[string]string, err error) {
	profiles = map[string]string{cfg.TableAccount: p.TableAccount}
	flagNames = map[string]string{cfg.TableAccount: "-profile-a"}
	for _, w := range cfg.Writers {
		profiles[w.Account], flagNames[w.Account] = p.WriterAccounts, "-profile-b"
	}
	for acct, profile := range p.PerAccount {
		if _, known := profiles[acct]; !known {
			return nil, nil, fmt.Errorf("-profile %s=%s: account %s is neither tableAccount nor a writer's account", acct, profile, acct)
		}
		profiles[acct], flagNames[acct] = profile, "-profile "+acct+"=PROFILE"
	}
	return profiles, flagNames, nil
}

// perAccount collects repeated -profile ACCOUNT=PROFILE flags.
type perAccount struct{ m *map[string]string }

func (p perAccount) String() string { return "" }

func (p perAccount) Set(s string) error {
	acct, profile, ok := strings.Cut(s, "=")
	if !ok || profile == "" || !tablespec.ValidAccount(acct) {
		return fmt.Errorf("got %q, want ACCOUNT=PROFILE with a 12-digit account", s)
	}
	if *p.m == nil {
		*p.m = map[string]string{}
	}
	if _, dup := (*p.m)[acct]; dup {
		return fmt.Errorf("account %s given twice", acct)
	}
	(*p.m)[acct] = profile
	return nil
}

// Source is where an operator's tool reads the configuration from, as the
// CDK CLI hands it to the app: cdk.json's "context" (-cdk-json) with the
// -c values on top.
type Source struct {
	CDKJSON   string
	Overrides Overrides
}

// Register adds -cdk-json and -c to fs.
func (s *Source) Register(fs *flag.FlagSet) {
	fs.StringVar(&s.CDKJSON, "cdk-json", "cdk.json", "the app's cdk.json, whose \"context\" holds the configuration")
	fs.Var(&s.Overrides, "c", "a context value `key=value` that overrides cdk.json, as with cdk synth -c (repeatable)")
}

// Load reads and validates the configuration from the source.
func (s *Source) Load() (Config, error) { return Load(s.CDKJSON, s.Overrides) }
