// Package config is the app's configuration: the table, the writers that
// may write to it from other accounts, the rules they must follow, and the
// grants they turn into. It reads the CDK context as plain JSON and does not
// import the CDK, so the offline checks use it without starting Node.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/cross-account-dynamodb/cdk/internal/ddbactions"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// Context keys the app reads. Their defaults live in cdk.json; any of them can
// be overridden with `cdk synth -c key=value`.
const (
	KeyTableAccount = "tableAccount"
	KeyTableRegion  = "tableRegion"
	KeyTableName    = "tableName"
	KeyWriters      = "writers"
)

var contextKeys = []string{KeyTableAccount, KeyTableRegion, KeyTableName, KeyWriters, KeyTableEncryption, KeyOrganizationID, KeyAlarmEmail, KeyChecks}

// DefaultActions is what a writer is granted when its config names no
// actions: the one call the writer function makes.
var DefaultActions = []string{"dynamodb:PutItem"}

// Config is the whole app's configuration: one table and the writers that
// may write to it from other accounts.
type Config struct {
	// TableAccount is the 12-digit ID of the account that owns the table (A).
	TableAccount string
	// TableRegion is the region the table lives in.
	TableRegion string
	// TableName is the table's physical name.
	TableName string
	// Writers are the workloads granted access, each in its own stack.
	Writers []Writer
	// TablePartition is the partition of TableRegion (aws, aws-cn, ...),
	// from the region table the configuration was read with.
	TablePartition string
	// TableEncryption is EncryptionAWSOwned (the default) or
	// EncryptionCustomerManaged.
	TableEncryption string
	// OrganizationID, when set, is the AWS Organizations ID every writer's
	// account must belong to: each statement of the table policy (and of the
	// key policy) also requires aws:PrincipalOrgID. Default: none.
	OrganizationID string
	// AlarmEmail, when set, is subscribed to the alarms of every stack.
	// Default: the alarms exist with no action.
	AlarmEmail string
	// Checks runs the compliance gates in the synth: cdk-nag's AwsSolutions
	// pack on the stacks the CLI selected, and aws-cdk-lib's template
	// validation; a finding of either fails the synth. Default: on, so that
	// a plain `cdk synth`, `cdk diff` or `cdk deploy` is gated; off
	// (`-c checks=false`) is for the inner loop, and for make destroy, so
	// that a new rule never blocks a teardown.
	Checks bool
}

// Writer is one workload in another account that writes to the table.
type Writer struct {
	// Name identifies the writer; its stack is named Name + "Stack".
	Name string `json:"name"`
	// Account is the 12-digit ID of the writer's account (B).
	Account string `json:"account"`
	// Region is where the writer's function runs. Default: the table's region.
	Region string `json:"region"`
	// RoleName is the physical name of the writer's IAM role.
	RoleName string `json:"roleName"`
	// Actions are the DynamoDB item actions granted. Default: DefaultActions.
	Actions []string `json:"actions"`
	// Source is how the function is fed: SourceInvoke (the default),
	// producers invoke it; or SourceQueue, producers send to a queue in the
	// writer's stack that the function drains.
	Source string `json:"source"`
	// Queue holds a queue writer's settings, DefaultQueue for those it
	// leaves out; nil for an invoke writer.
	Queue *Queue `json:"queue"`
	// Partition is the partition of Region; not configurable, it comes from
	// the region table.
	Partition string `json:"-"`
}

// StackName is the name of the writer's stack.
func (w Writer) StackName() string { return w.Name + "Stack" }

// TableStackName is the name of the table's stack.
const TableStackName = "TableStack"

var (
	roleNamePattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	writerNameRule  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,59}$`)
)

// ContextFromFile reads the "context" object of a cdk.json file: the
// configuration's defaults, before any -c override.
func ContextFromFile(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return file.Context, nil
}

// FromContext reads and validates the app's configuration from the CDK
// context (all of it, as Node.GetAllContext returns it). Values from cdk.json
// arrive as JSON values, values from `-c key=value` as strings; both are
// accepted. knownRegions maps the region names the config may use to their
// partitions (the app passes aws-cdk-lib's region facts, the offline
// commands Regions). Every problem is reported, joined into one error.
func FromContext(context map[string]any, knownRegions map[string]string) (Config, error) {
	errs := checkKeys(context)

	// A key that does not parse is reported, and the rules on it are not:
	// every other key is still read and checked, so that one bad value
	// hides no other problem.
	var cfg Config
	failed := map[string]bool{}
	fail := func(key string, err error) {
		errs = append(errs, err)
		failed[key] = true
	}
	var err error
	if cfg.TableAccount, err = stringValue(context, KeyTableAccount); err != nil {
		fail(KeyTableAccount, err)
	}
	if cfg.TableRegion, err = stringValue(context, KeyTableRegion); err != nil {
		fail(KeyTableRegion, err)
	}
	if cfg.TableName, err = stringValue(context, KeyTableName); err != nil {
		fail(KeyTableName, err)
	}
	var writerErrs map[string]error
	cfg.Writers, writerErrs = writersValue(context)
	for _, key := range slices.Sorted(maps.Keys(writerErrs)) {
		fail(key, writerErrs[key])
	}
	for key, err := range cfg.readOptions(context) {
		fail(key, err)
	}
	for i, w := range cfg.Writers {
		if w.Region == "" && failed[KeyTableRegion] {
			// It would default to the table's region, which is unknown.
			failed[fmt.Sprintf("%s[%d].region", KeyWriters, i)] = true
		}
	}
	cfg.applyDefaults(knownRegions)
	if err := cfg.validate(knownRegions, failed); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return cfg, nil
}

func (c *Config) applyDefaults(knownRegions map[string]string) {
	c.TablePartition = knownRegions[c.TableRegion]
	for i := range c.Writers {
		w := &c.Writers[i]
		if w.Region == "" {
			w.Region = c.TableRegion
		}
		if w.Actions == nil {
			w.Actions = slices.Clone(DefaultActions)
		}
		w.Partition = knownRegions[w.Region]
		if w.Source == "" {
			w.Source = SourceInvoke
		}
		if w.Source == SourceQueue && w.Queue == nil {
			q := DefaultQueue
			w.Queue = &q
		}
	}
}

// Validate checks every rule on c and reports every broken one. knownRegions
// maps region names to their partitions.
func (c Config) Validate(knownRegions map[string]string) error {
	return c.validate(knownRegions, nil)
}

// validate is Validate, quiet about the keys in failed (those that did not
// parse, whose values are not the user's) and anything under them.
func (c Config) validate(knownRegions map[string]string, failed map[string]bool) error {
	var errs []error
	add := func(key, format string, args ...any) {
		if under(key, failed) {
			return
		}
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}

	checkAccount(KeyTableAccount, c.TableAccount, add)
	checkRegion(KeyTableRegion, c.TableRegion, knownRegions, add)
	if !tablespec.ValidName(c.TableName) {
		add(KeyTableName, "got %q, want %s", c.TableName, tablespec.NameRule)
	}
	if len(c.Writers) == 0 {
		add(KeyWriters, "got an empty list, want at least one writer")
	}

	names := map[string]int{} // lower case: stack names end up as file names
	roles := map[string]int{}
	for i, w := range c.Writers {
		key := fmt.Sprintf("%s[%d]", KeyWriters, i)
		if failed[key] {
			continue
		}
		switch {
		case !writerNameRule.MatchString(w.Name):
			add(key+".name", "got %q, want a letter then up to 59 letters or digits (the stack is named name+\"Stack\")", w.Name)
		case strings.EqualFold(w.StackName(), TableStackName):
			// Stack names become file names in cdk.out, which collide on a
			// case-insensitive file system (macOS, Windows).
			add(key+".name", "got %q, which would name its stack %s like the table's stack %s, ignoring case; stack names must be unique ignoring case (they name files in cdk.out)", w.Name, w.StackName(), TableStackName)
		}
		if j, dup := names[strings.ToLower(w.Name)]; dup {
			add(key+".name", "got %q, already used by writers[%d]; writer names must be unique, ignoring case", w.Name, j)
		}
		names[strings.ToLower(w.Name)] = i

		checkAccount(key+".account", w.Account, add)
		if w.Account == c.TableAccount && tablespec.ValidAccount(w.Account) {
			add(key+".account", "got %q, the table's own account; a writer must be in another account", w.Account)
		}
		checkRegion(key+".region", w.Region, knownRegions, add)
		if tp, wp := knownRegions[c.TableRegion], knownRegions[w.Region]; tp != "" && wp != "" && wp != tp {
			add(key+".region", "got %q in partition %s, the table is in %s; IAM principals cannot reach resources in another partition", w.Region, wp, tp)
		}

		if !roleNamePattern.MatchString(w.RoleName) {
			add(key+".roleName", "got %q, want 1 to 64 characters of A-Z a-z 0-9 + = , . @ _ -", w.RoleName)
		}
		roleID := w.Account + "/" + strings.ToLower(w.RoleName) // IAM role names are case-insensitive
		if j, dup := roles[roleID]; dup {
			add(key+".roleName", "got %q, already used by writers[%d] in account %s; role names must be unique within an account", w.RoleName, j, w.Account)
		}
		roles[roleID] = i

		checkActions(key+".actions", w.Actions, add)
		checkSource(key, w, add)
	}
	c.validateOptions(add)
	if len(errs) == 0 && len(failed) == 0 {
		errs = append(errs, checkTablePolicy(c.Grants())...)
	}
	return errors.Join(errs...)
}

// under reports whether key is one of keys or inside one of them
// (writers[0].name is inside writers[0] and writers).
func under(key string, keys map[string]bool) bool {
	for k := range keys {
		if key == k || strings.HasPrefix(key, k+".") || strings.HasPrefix(key, k+"[") {
			return true
		}
	}
	return false
}

func checkAccount(key, account string, add func(key, format string, args ...any)) {
	if !tablespec.ValidAccount(account) {
		add(key, "got %q, want 12 digits", account)
	}
}

func checkRegion(key, region string, known map[string]string, add func(key, format string, args ...any)) {
	if _, ok := known[region]; !ok {
		add(key, "got %q, want a known AWS region such as us-east-1", region)
	}
}

func checkActions(key string, actions []string, add func(key, format string, args ...any)) {
	if len(actions) == 0 {
		add(key, "got an empty list, want at least one action (or leave it out for %s)", strings.Join(DefaultActions, ", "))
	}
	seen := map[string]bool{}
	for i, a := range actions {
		k := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case strings.ContainsAny(a, "*?"):
			add(k, "got %q, wildcards are not allowed; name each item action", a)
		case strings.HasPrefix(a, "dynamodb:PartiQL"):
			add(k, "got %q: DynamoDB's PartiQL APIs (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction) support neither resource-based policies nor cross-account calls, so this grant could never be used; use the item APIs (PutItem, GetItem, ...)", a)
		case !strings.HasPrefix(a, "dynamodb:"):
			add(k, "got %q, not a DynamoDB action; want one of %s", a, strings.Join(ddbactions.CrossAccount, ", "))
		case !slices.Contains(ddbactions.Item, a):
			add(k, "got %q, not a DynamoDB data-plane item action; want one of %s", a, strings.Join(ddbactions.CrossAccount, ", "))
		case seen[a]:
			add(k, "got %q twice", a)
		}
		seen[a] = true
	}
}

func stringValue(context map[string]any, key string) (string, error) {
	v, ok := context[key]
	if !ok || v == nil {
		return "", fmt.Errorf("%s: missing; set it in cdk.json or with -c %s=...", key, key)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: got %s, want a string (quote it in cdk.json)", key, jsonKind(v))
	}
	return s, nil
}

// writersHint is how to write the writers list on the command line.
const writersHint = `-c 'writers=[{"name":"Writer","account":"222222222222","roleName":"my-writer"}]'`

// writersValue decodes the writers list, given as JSON in cdk.json or as a
// JSON string with -c writers='[...]', and returns the problems by key
// (writers, or writers[i] for one writer). Unknown fields are errors.
func writersValue(context map[string]any) ([]Writer, map[string]error) {
	fail := func(format string, args ...any) ([]Writer, map[string]error) {
		return nil, map[string]error{KeyWriters: fmt.Errorf("%s: %s", KeyWriters, fmt.Sprintf(format, args...))}
	}
	v, ok := context[KeyWriters]
	if !ok || v == nil {
		return fail("missing; set it in cdk.json or with %s", writersHint)
	}
	raw, fromFlag := v.(string)
	if !fromFlag {
		b, err := json.Marshal(v)
		if err != nil {
			return fail("%v", err)
		}
		raw = string(b)
	}
	var top any
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		trimmed := strings.TrimSpace(raw)
		if (strings.HasPrefix(trimmed, "[") || strings.HasPrefix(trimmed, "{")) && !strings.Contains(raw, `"`) {
			return fail("got %q, which is not JSON: the shell removed its double quotes; put the whole value in single quotes: %s", raw, writersHint)
		}
		return fail("got %q, which is not JSON (%v); want a JSON list of writer objects, in single quotes for the shell: %s", raw, err, writersHint)
	}
	if _, isList := top.([]any); !isList {
		where := "on the command line " + writersHint
		if !fromFlag {
			where = `in cdk.json "writers": [{"name": "Writer", ...}]`
		}
		return fail("got %s, want a JSON list of writer objects, even for one writer: %s", jsonKind(top), where)
	}
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &items); err != nil {
		return fail("want a JSON list of writer objects: %v", err)
	}
	writers := make([]Writer, len(items))
	errs := map[string]error{}
	for i, item := range items {
		key := fmt.Sprintf("%s[%d]", KeyWriters, i)
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&writers[i]); err != nil {
			errs[key] = fmt.Errorf("%s: %s", key, decodeMessage(err))
		}
	}
	return writers, errs
}

func decodeMessage(err error) string {
	var queueErr queueFieldError
	if errors.As(err, &queueErr) {
		return queueErr.msg
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("%s: got %s, want %s", typeErr.Field, typeErr.Value, typeErr.Type)
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("unknown field %s; known fields: name, account, region, roleName, actions, source, queue", field)
	}
	return err.Error()
}

func jsonKind(v any) string {
	switch v.(type) {
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case string:
		return "a string"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
