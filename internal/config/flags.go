package config

import (
	"errors"
	"strings"
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
