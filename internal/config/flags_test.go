package config

import (
	"testing"
)

func TestOverrides(t *testing.T) {
	t.Parallel()
	var o Overrides
	for _, arg := range []string{"tableName=orders", "tableName=items", `writers=[{"name":"W"}]`} {
		if err := o.Set(arg); err != nil {
			t.Fatal(err)
		}
	}
	if o.Values["tableName"] != "items" || o.String() != `tableName=orders tableName=items writers=[{"name":"W"}]` {
		t.Errorf("overrides = %+v", o)
	}
	for _, bad := range []string{"tableName", "=x"} {
		if err := o.Set(bad); err == nil {
			t.Errorf("Set(%q) = nil, want an error", bad)
		}
	}
	ctx, err := ReadContext("../../cdk.json", o.Values)
	if err != nil {
		t.Fatal(err)
	}
	if ctx["tableName"] != "items" || ctx["tableAccount"] != "111111111111" {
		t.Errorf("context: tableName %v, tableAccount %v; want the override on top of cdk.json", ctx["tableName"], ctx["tableAccount"])
	}
}
