package stacks

import (
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
)

// TestTableMatchesTheWritersContract reads the synthesized templates, not
// the code that built them: the table's key schema must be the one the
// writer function puts items with (package tablespec), and the TABLE_ARN the
// writer is given must pass the writer's own ARN check and name that table.
func TestTableMatchesTheWritersContract(t *testing.T) {
	// GIVEN the defaults of cdk.json
	s := synthesize(t, defaultContext(t))

	// THEN the table's keys are tablespec's, in its order, both strings
	_, table := onlyResource(t, s.templates["TableStack"], "AWS::DynamoDB::GlobalTable")
	p := props(table)
	equalJSON(t, "KeySchema against tablespec", p["KeySchema"], []any{
		map[string]any{"AttributeName": tablespec.PartitionKey, "KeyType": "HASH"},
		map[string]any{"AttributeName": tablespec.SortKey, "KeyType": "RANGE"},
	})
	equalJSON(t, "AttributeDefinitions against tablespec", p["AttributeDefinitions"], []any{
		map[string]any{"AttributeName": tablespec.PartitionKey, "AttributeType": "S"},
		map[string]any{"AttributeName": tablespec.SortKey, "AttributeType": "S"},
	})

	// AND the writer's TABLE_ARN is a table ARN by the writer's rules, for
	// the table TableStack names, in TableStack's account and region
	_, fn := onlyResource(t, s.templates["WriterStack"], "AWS::Lambda::Function")
	env, _ := props(fn)["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	tableArn, _ := vars["TABLE_ARN"].(string)
	parsed, err := tablespec.ParseArn(tableArn)
	if err != nil {
		t.Fatalf("writer's TABLE_ARN: %v", err)
	}
	if parsed.Name != p["TableName"] || parsed.AccountID != *s.app.Table.Account() || parsed.Region != *s.app.Table.Region() {
		t.Errorf("writer's TABLE_ARN %s does not name table %v in %s/%s", tableArn, p["TableName"], *s.app.Table.Account(), *s.app.Table.Region())
	}
}
