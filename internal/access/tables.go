package access

import "fmt"

// Table is a DynamoDB table (one replica of a global table).
type Table struct {
	Arn, Account, Region string
	Stack, Logical       string
	// Policy is the table's resource policy; nil when it has none.
	Policy []Statement
	// Document is the policy document Policy was parsed from, with its
	// intrinsics resolved.
	Document any
	// Probe says what a table the check made up stands for; "" for the
	// tables of the templates.
	Probe string
	// Key is the customer-managed key the table is encrypted with; nil for
	// the AWS owned key.
	Key *Key
}

func (c *collector) addTable(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	arn, err := t.tableArn(logical, t.Region, where)
	if err != nil {
		c.errs = append(c.errs, err)
		return
	}
	if ss, ok := r.Properties["StreamSpecification"].(map[string]any); ok && ss["ResourcePolicy"] != nil {
		c.fail("%s StreamSpecification.ResourcePolicy: stream policies are not evaluated", where)
	}
	table := &Table{Arn: arn, Account: t.Account, Region: t.Region, Stack: t.Stack, Logical: logical}
	table.Document, table.Policy = c.resourcePolicy(t, logical, "ResourcePolicy", r.Properties["ResourcePolicy"])
	sseKMS, keyID, err := t.sseSpec(r.Properties["SSESpecification"], where+" SSESpecification")
	if err != nil {
		c.errs = append(c.errs, err)
	}
	table.Key = c.tableKey(where+" SSESpecification", sseKMS, keyID)
	c.tables = append(c.tables, table)
}

func (c *collector) addGlobalTable(t *Template, logical string, r Resource) {
	where := t.Stack + "/" + logical
	replicas, ok := r.Properties["Replicas"].([]any)
	if !ok || len(replicas) == 0 {
		c.fail("%s Replicas: got %s, want a non-empty list", where, describe(r.Properties["Replicas"]))
		return
	}
	sseKMS, _, err := t.sseSpec(r.Properties["SSESpecification"], where+" SSESpecification")
	if err != nil {
		c.errs = append(c.errs, err)
	}
	for i, rep := range replicas {
		path := fmt.Sprintf("Replicas[%d]", i)
		rm, ok := rep.(map[string]any)
		if !ok {
			c.fail("%s %s: got %s, want an object", where, path, describe(rep))
			continue
		}
		region, err := t.resolveString(rm["Region"], fmt.Sprintf("%s %s.Region", where, path))
		if err != nil {
			c.errs = append(c.errs, err)
			continue
		}
		if ss, ok := rm["ReplicaStreamSpecification"].(map[string]any); ok && ss["ResourcePolicy"] != nil {
			c.fail("%s %s.ReplicaStreamSpecification.ResourcePolicy: stream policies are not evaluated", where, path)
		}
		arn, err := t.tableArn(logical, region, where)
		if err != nil {
			c.errs = append(c.errs, err)
			continue
		}
		table := &Table{Arn: arn, Account: t.Account, Region: region, Stack: t.Stack, Logical: logical}
		table.Document, table.Policy = c.resourcePolicy(t, logical, path+".ResourcePolicy", rm["ResourcePolicy"])
		_, keyID, err := t.sseSpec(rm["SSESpecification"], fmt.Sprintf("%s %s.SSESpecification", where, path))
		if err != nil {
			c.errs = append(c.errs, err)
		}
		table.Key = c.tableKey(fmt.Sprintf("%s %s.SSESpecification", where, path), sseKMS || keyID != "", keyID)
		c.tables = append(c.tables, table)
	}
}

// resourcePolicy resolves and parses a table's ResourcePolicy property
// ({"PolicyDocument": ...}); nil when absent.
func (c *collector) resourcePolicy(t *Template, logical, path string, prop any) (any, []Statement) {
	if prop == nil {
		return nil, nil
	}
	where := fmt.Sprintf("%s/%s %s", t.Stack, logical, path)
	pm, ok := prop.(map[string]any)
	if !ok || pm["PolicyDocument"] == nil {
		c.fail("%s: got %s, want {\"PolicyDocument\": ...}", where, describe(prop))
		return nil, nil
	}
	resolved, err := t.resolve(pm["PolicyDocument"], where+".PolicyDocument")
	if err != nil {
		c.errs = append(c.errs, err)
		return nil, nil
	}
	stmts, err := ParsePolicy(resolved, ResourcePolicy, Location{Stack: t.Stack, Resource: logical, Policy: path})
	if err != nil {
		c.errs = append(c.errs, err)
		return nil, nil
	}
	if stmts == nil {
		stmts = []Statement{}
	}
	return resolved, stmts
}
