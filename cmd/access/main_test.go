package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/iamactions"
)

// cdkJSON is the app's cdk.json, seen from this package's directory.
const cdkJSON = "../../cdk.json"

// assemblies holds cloud assemblies synthesized from cdk.json with each
// directory's overrides.json applied: stacks' TestAccessAssembliesAreCurrent
// writes them and fails when they differ from what the app synthesizes, so
// these tests check the app's real templates without starting Node.
const assemblies = "testdata/assemblies"

// assembly returns the named assembly's directory, its overrides and the
// configuration they give.
func assembly(t *testing.T, name string) (string, map[string]any, config.Config) {
	t.Helper()
	dir := filepath.Join(assemblies, name)
	var overrides map[string]any
	raw, err := os.ReadFile(filepath.Join(dir, "overrides.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &overrides); err != nil {
		t.Fatal(err)
	}
	context, err := config.ReadContext(cdkJSON, overrides)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromContext(context, config.Regions)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return dir, overrides, cfg
}

func checkDir(t *testing.T, dir string, cfg config.Config) *access.Matrix {
	t.Helper()
	templates, err := access.LoadAssembly(dir, func(r string) string { return config.Regions[r] })
	if err != nil {
		t.Fatal(err)
	}
	model, err := access.Collect(templates)
	if err != nil {
		t.Fatal(err)
	}
	return access.Check(model, cfg.Grants())
}

// TestSynthesizedAppGrantsExactlyTheConfiguredAccess checks, for each stored
// assembly, that the allowed cells of the matrix are
// exactly the (principal, action, table) triples the configuration declares,
// and that every other cell is denied.
func TestSynthesizedAppGrantsExactlyTheConfiguredAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string // of the assembly
		want []string
	}{
		{
			name: "default",
			want: []string{
				"arn:aws:iam::222222222222:role/cross-account-items-writer dynamodb:PutItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
			},
		},
		{
			// aws-cdk-lib puts us-iso-east-1 in the aws-iso partition; a
			// guess from the region's name would say aws.
			name: "isolated-partition",
			want: []string{
				"arn:aws-iso:iam::222222222222:role/items-writer dynamodb:PutItem arn:aws-iso:dynamodb:us-iso-east-1:111111111111:table/cross-account-items",
			},
		},
		{
			// Two accounts, one writer in another region than the table,
			// three different action lists.
			name: "three-writers",
			want: []string{
				"arn:aws:iam::222222222222:role/items-loader dynamodb:BatchWriteItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
				"arn:aws:iam::222222222222:role/items-loader dynamodb:DeleteItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
				"arn:aws:iam::222222222222:role/items-writer dynamodb:PutItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
				"arn:aws:iam::333333333333:role/items-auditor dynamodb:GetItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
				"arn:aws:iam::333333333333:role/items-auditor dynamodb:Query arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
			},
		},
		{
			// The writer drained from a queue: its own queue feeds the
			// function, declared; the grant is the same.
			name: "queue",
			want: []string{
				"arn:aws:iam::222222222222:role/cross-account-items-writer dynamodb:PutItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
			},
		},
		{
			name: "two-writers",
			want: []string{
				"arn:aws:iam::222222222222:role/items-writer dynamodb:PutItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
				"arn:aws:iam::333333333333:role/items-auditor dynamodb:GetItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
				"arn:aws:iam::333333333333:role/items-auditor dynamodb:Query arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
				"arn:aws:iam::333333333333:role/items-auditor dynamodb:UpdateItem arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, overrides, cfg := assembly(t, tc.name)
			x := checkDir(t, dir, cfg)
			if len(x.Differences) != 0 {
				t.Errorf("differences from the declared grants: %v", x.Differences)
			}
			r, err := check(config.Source{CDKJSON: cdkJSON, Overrides: config.Overrides{Values: overrides}}, dir)
			if err != nil || len(r.policyDrift) != 0 {
				t.Errorf("check: %v; the synthesized table policy differs from the declared one: %v", err, r.policyDrift)
			}
			var allowed []string
			cells := 0
			for ti, table := range x.Tables {
				for si, s := range x.Subjects {
					for ai, a := range x.Actions {
						cells++
						if x.Cells[ti][si][ai].Allowed {
							allowed = append(allowed, s.Arn+" "+a+" "+table.Arn)
						}
						// No grant reaches an index: the identity policies
						// name the table's ARN only.
						if x.IndexCells[ti][si][ai].Allowed {
							allowed = append(allowed, s.Arn+" "+a+" "+access.IndexArn(table.Arn))
						}
					}
				}
			}
			sort.Strings(allowed)
			if strings.Join(allowed, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("allowed cells:\n%s\nwant exactly:\n%s", strings.Join(allowed, "\n"), strings.Join(tc.want, "\n"))
			}
			// Each writer role is acted as by the Lambda service only, as
			// declared, and nothing is left unbounded.
			if len(x.Unknown) != 0 {
				t.Errorf("the check cannot bound: %v", x.Unknown)
			}
			writerRoles, roles, queues := map[string]bool{}, map[string]bool{}, map[string]bool{}
			for _, w := range cfg.Writers {
				writerRoles[w.RoleArn()], roles[w.RoleArn()] = true, true
				if w.Source == config.SourceQueue {
					queues["whoever can send to "+w.QueueArn()] = true
				}
			}
			for _, p := range x.Paths {
				if !p.Declared || !writerRoles[p.Role] || p.Principal != "lambda.amazonaws.com" && !queues[p.Principal] {
					t.Errorf("path %+v; want only the Lambda service's declared trust on each writer role, and each queue writer's own queue", p)
				}
				if p.Principal == "lambda.amazonaws.com" {
					delete(roles, p.Role)
				}
				delete(queues, p.Principal)
			}
			if len(queues) != 0 {
				t.Errorf("no declared queue shown for %v", queues)
			}
			if len(roles) != 0 {
				t.Errorf("no declared Lambda trust shown for %v", roles)
			}
			// Every writer and the probes are rows; every item and table
			// action is a column.
			if len(x.Subjects) < len(cfg.Writers)+5 || len(x.Actions) < 30 || cells < 300 {
				t.Errorf("matrix too small to mean anything: %d principals, %d actions, %d cells", len(x.Subjects), len(x.Actions), cells)
			}
		})
	}
}

// TestBrokenTemplatesFailTheCheck breaks the synthesized templates the way a
// careless edit would, and expects the command to fail naming the access
// that appears.
func TestBrokenTemplatesFailTheCheck(t *testing.T) {
	t.Parallel()
	dir, _, _ := assembly(t, "default")
	const (
		table  = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"
		writer = "arn:aws:iam::222222222222:role/cross-account-items-writer"
	)
	tests := []struct {
		name   string
		mutate map[string]func(tmpl map[string]any) // by stack
		want   []string
	}{
		{
			name: "table policy statement without the condition",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				delete(tablePolicyStatement(t, tmpl), "Condition")
			}},
			want: []string{
				"extra access: arn:aws:iam::222222222222:root can dynamodb:PutItem on " + table,
				"extra access: arn:aws:iam::222222222222:role/access-check-admin can dynamodb:PutItem on " + table,
				"extra access: arn:aws:iam::222222222222:role/access-check-other-role can dynamodb:PutItem on " + table,
			},
		},
		{
			name: "identity policy on Resource *",
			mutate: map[string]func(map[string]any){"WriterStack": func(tmpl map[string]any) {
				writeTableStatement(t, tmpl)["Resource"] = "*"
			}},
			want: []string{
				"extra access: " + writer + " can dynamodb:PutItem on arn:aws:dynamodb:us-east-1:222222222222:table/access-check-probe-table",
				"extra access: " + writer + " can dynamodb:PutItem on arn:aws:dynamodb:us-east-1:111111111111:table/access-check-probe-table",
			},
		},
		{
			name: "dynamodb:* on both sides",
			mutate: map[string]func(map[string]any){
				"TableStack":  func(tmpl map[string]any) { tablePolicyStatement(t, tmpl)["Action"] = "dynamodb:*" },
				"WriterStack": func(tmpl map[string]any) { writeTableStatement(t, tmpl)["Action"] = "dynamodb:*" },
			},
			want: []string{
				"extra access: " + writer + " can dynamodb:DeleteTable on " + table,
				"extra access: " + writer + " can dynamodb:PutResourcePolicy on " + table,
				"extra access: " + writer + " can dynamodb:Scan on " + table,
			},
		},
		{
			name: "table policy grants Query on the indexes to the writer account without a condition",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				appendTablePolicyStatement(t, tmpl, map[string]any{
					"Sid": "Indexes", "Effect": "Allow", "Action": "dynamodb:Query", "Resource": table + "/index/*",
					"Principal": map[string]any{"AWS": "arn:aws:iam::222222222222:root"},
				})
			}},
			want: []string{
				"extra access: arn:aws:iam::222222222222:root can dynamodb:Query on " + table + "/index/access-check-probe-index",
				"extra access: arn:aws:iam::222222222222:role/access-check-admin can dynamodb:Query on " + table + "/index/access-check-probe-index",
				"  Indexes of this table (probe index access-check-probe-index):\n",
				" dynamodb:Query EXTRA! allowed by identity the root user's implicit full access + table policy TableStack/",
			},
		},
		{
			name: "dynamodb:* in the identity policy only",
			mutate: map[string]func(map[string]any){
				"WriterStack": func(tmpl map[string]any) { writeTableStatement(t, tmpl)["Action"] = "dynamodb:*" },
			},
			// The table policy still allows PutItem only, so nothing more
			// gets through today, but the two sides no longer match.
			want: []string{
				"extra access: the identity policy alone allows " + writer + " to dynamodb:DeleteTable on " + table + ` (WriterStack/`,
			},
		},
		// The widenings a security review found, each admitting principals
		// that no configuration names.
		{
			name: "root of an unknown account",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				appendTablePolicyStatement(t, tmpl, widened(map[string]any{"AWS": "arn:aws:iam::333333333333:root"}, nil))
			}},
			want: []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:GetItem on " + table},
		},
		{
			name: "role in an unknown account",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				appendTablePolicyStatement(t, tmpl, widened(map[string]any{"AWS": "arn:aws:iam::333333333333:role/intruder"}, nil))
			}},
			want: []string{"extra access: arn:aws:iam::333333333333:role/intruder can dynamodb:GetItem on " + table},
		},
		{
			name: "anyone limited by aws:PrincipalAccount of an unknown account",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				appendTablePolicyStatement(t, tmpl, widened("*", map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": "333333333333"}}))
			}},
			want: []string{"extra access: arn:aws:iam::333333333333:role/access-check-admin can dynamodb:GetItem on " + table},
		},
		{
			name: "anyone in an organization",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				appendTablePolicyStatement(t, tmpl, widened(map[string]any{"AWS": "*"}, map[string]any{"StringEquals": map[string]any{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))
			}},
			want: []string{"extra access: arn:aws:iam::999999999999:role/access-check-third-account can dynamodb:GetItem on " + table},
		},
		{
			name: "ArnLike with a wildcard account",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				appendTablePolicyStatement(t, tmpl, widened("*", map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:role/cross-account-items-writer"}}))
			}},
			want: []string{"extra access: arn:aws:iam::999999999999:role/cross-account-items-writer can dynamodb:GetItem on " + table},
		},
		{
			// The condition still pins the writer's role, so no one new gets
			// in; the statement is still not the declared one.
			name: "second principal account on the writer's statement",
			mutate: map[string]func(map[string]any){"TableStack": func(tmpl map[string]any) {
				tablePolicyStatement(t, tmpl)["Principal"] = map[string]any{"AWS": []any{"arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"}}
			}},
			want: []string{
				"FAIL: the resource policy of " + table + " (TableStack/",
				`  statement not declared: {"Action":"dynamodb:PutItem","Condition":{"ArnEquals":{"aws:PrincipalArn":"` + writer + `"}},"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:root"]},"Resource":"*","Sid":"Writer"}`,
				`  declared statement missing: {"Action":"dynamodb:PutItem",`,
			},
		},
		{
			name: "dynamodb:* in the table policy only",
			mutate: map[string]func(map[string]any){
				"TableStack": func(tmpl map[string]any) { tablePolicyStatement(t, tmpl)["Action"] = "dynamodb:*" },
			},
			want: []string{
				"extra access: the table policy alone allows " + writer + " to dynamodb:DeleteTable on " + table + ` (TableStack/`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			broken := copyAssembly(t, dir)
			for stack, mutate := range tc.mutate {
				rewriteTemplate(t, filepath.Join(broken, stack+".template.json"), mutate)
			}
			var stdout, stderr bytes.Buffer
			code := run([]string{"-cdk-json", cdkJSON, broken}, &stdout, &stderr)
			if code != 1 {
				t.Fatalf("exit code %d, want 1; stderr: %s", code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, stdout.String())
				}
			}
		})
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir, _, _ := assembly(t, "default")
	t.Run("default app passes and prints the matrix", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-cdk-json", cdkJSON, dir}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit code %d, want 0; stdout:\n%s\nstderr: %s", code, stdout.String(), stderr.String())
		}
		for _, want := range []string{
			"Table arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items (TableStack/",
			"dynamodb:PutItem allowed by identity WriterStack/",
			"OK: the allowed cells are exactly the 1 declared",
			"OK: the resource policy of arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items is the one the configuration renders.",
		} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, stdout.String())
			}
		}
	})
	t.Run("config that differs from the synthesized app fails", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"-cdk-json", cdkJSON, "-c", `writers=[{"name":"Writer","account":"222222222222","roleName":"cross-account-items-writer","actions":["dynamodb:PutItem","dynamodb:GetItem"]}]`, dir}, &stdout, &stderr)
		if code != 1 || !strings.Contains(stdout.String(), "missing access: arn:aws:iam::222222222222:role/cross-account-items-writer cannot dynamodb:GetItem on ") {
			t.Errorf("exit code %d, want 1 naming the missing GetItem; stdout:\n%s", code, stdout.String())
		}
	})
	t.Run("invalid override is an error naming the key", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"-cdk-json", cdkJSON, "-c", "tableAccount=12345", dir}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), `tableAccount: got "12345", want 12 digits`) {
			t.Errorf("exit code %d, stderr %q; want 2 naming tableAccount", code, stderr.String())
		}
	})
	t.Run("missing assembly is an error", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"-cdk-json", cdkJSON, filepath.Join(t.TempDir(), "cdk.out")}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "cdk.out: no cloud assembly there; synthesize it first (make synth") {
			t.Errorf("exit code %d, stderr %q; want 2 saying to synthesize first", code, stderr.String())
		}
	})
	t.Run("assembly synthesized with other values is an error, not extra and missing access", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"-cdk-json", cdkJSON, "-c", "tableName=orders", dir}, &stdout, &stderr)
		want := "defines no table arn:aws:dynamodb:us-east-1:111111111111:table/orders: it was synthesized with other values (cdk.json and -c) than the ones given here"
		if code != 2 || !strings.Contains(stderr.String(), want) || stdout.Len() != 0 {
			t.Errorf("exit code %d, stderr %q, stdout %d bytes; want 2 saying %q and no matrix", code, stderr.String(), stdout.Len(), want)
		}
	})
	t.Run("unsupported policy element is an error naming it", func(t *testing.T) {
		broken := copyAssembly(t, dir)
		rewriteTemplate(t, filepath.Join(broken, "TableStack.template.json"), func(tmpl map[string]any) {
			tablePolicyStatement(t, tmpl)["Condition"] = map[string]any{"IpAddress": map[string]any{"aws:SourceIp": "10.0.0.0/8"}}
		})
		var stdout, stderr bytes.Buffer
		code := run([]string{"-cdk-json", cdkJSON, broken}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), `Replicas[0].ResourcePolicy statement 0 (Sid "Writer"): condition operator "IpAddress" is not supported`) {
			t.Errorf("exit code %d, stderr %q; want 2 naming the statement and operator", code, stderr.String())
		}
	})
}

// onlyResource returns the properties of the one resource of a type.
func onlyResource(t *testing.T, tmpl map[string]any, typ string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range tmpl["Resources"].(map[string]any) {
		if res := r.(map[string]any); res["Type"] == typ {
			found = append(found, res["Properties"].(map[string]any))
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(found))
	}
	return found[0]
}

// widened is a table policy statement that grants GetItem to principal,
// under cond when it is not nil.
func widened(principal any, cond map[string]any) map[string]any {
	st := map[string]any{"Sid": "Widened", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*", "Principal": principal}
	if cond != nil {
		st["Condition"] = cond
	}
	return st
}

func tablePolicyStatement(t *testing.T, tmpl map[string]any) map[string]any {
	replica := onlyResource(t, tmpl, "AWS::DynamoDB::GlobalTable")["Replicas"].([]any)[0].(map[string]any)
	return replica["ResourcePolicy"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any)[0].(map[string]any)
}

func appendTablePolicyStatement(t *testing.T, tmpl map[string]any, st map[string]any) {
	replica := onlyResource(t, tmpl, "AWS::DynamoDB::GlobalTable")["Replicas"].([]any)[0].(map[string]any)
	doc := replica["ResourcePolicy"].(map[string]any)["PolicyDocument"].(map[string]any)
	doc["Statement"] = append(doc["Statement"].([]any), st)
}

// writeTableStatement is the writer's identity statement on the table.
func writeTableStatement(t *testing.T, tmpl map[string]any) map[string]any {
	doc := onlyResource(t, tmpl, "AWS::IAM::Policy")["PolicyDocument"].(map[string]any)
	for _, s := range doc["Statement"].([]any) {
		if st := s.(map[string]any); st["Sid"] == "WriteTable" {
			return st
		}
	}
	t.Fatal("no statement with Sid WriteTable in the writer's identity policy")
	return nil
}

func copyAssembly(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func rewriteTemplate(t *testing.T, file string, mutate func(map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]any
	if err := json.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	mutate(tmpl)
	if data, err = json.Marshal(tmpl); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNoCDKInImportGraph keeps the command free of jsii: importing the CDK
// would start Node on every run. The access check's tests, and those of the
// packages without constructs (configuration, table spec, access model,
// writer), stay free of it too, so that they run without Node.
func TestNoCDKInImportGraph(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"list", "-deps", "."},
		{"list", "-test", "-deps", ".", "../../internal/config", "../../internal/tablespec", "../../internal/access", "../../runtime/writer"},
	} {
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		for _, pkg := range strings.Fields(string(out)) {
			if strings.Contains(pkg, "aws-cdk-go") || strings.Contains(pkg, "jsii-runtime-go") {
				t.Errorf("go %s: depends on %s", strings.Join(args, " "), pkg)
			}
		}
	}
}

// TestProductionOptions checks the app with a customer-managed key and the
// organization guard: exactly the declared DynamoDB and KMS cells, and each
// way of widening the key policy or dropping the guard fails the check.
func TestProductionOptions(t *testing.T) {
	t.Parallel()
	dir, overrides, _ := assembly(t, "options")
	const (
		table  = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"
		writer = "arn:aws:iam::222222222222:role/cross-account-items-writer"
		via    = " through dynamodb.us-east-1.amazonaws.com"
	)
	args := []string{"-cdk-json", cdkJSON}
	for k, v := range overrides {
		args = append(args, "-c", k+"="+v.(string))
	}
	t.Run("as synthesized: the declared DynamoDB and KMS cells only", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := run(append(args, dir), &stdout, &stderr); code != 0 {
			t.Fatalf("exit code %d, want 0; stderr %s\n%s", code, stderr.String(), stdout.String())
		}
		for _, want := range []string{
			"OK: the allowed cells are exactly the 2 declared",
			"kms:Decrypt" + via + " allowed by identity WriterStack/",
			"probe: the writer role if account 222222222222 left organization o-a1b2c3d4e5",
			"OK: the key policy of arn:aws:kms:us-east-1:111111111111:key/",
		} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("output lacks %q", want)
			}
		}
	})
	keyPolicyStatements := func(t *testing.T, tmpl map[string]any) []any {
		doc := onlyResource(t, tmpl, "AWS::KMS::Key")["KeyPolicy"].(map[string]any)
		return doc["Statement"].([]any)
	}
	tests := []struct {
		name   string
		stack  string
		mutate func(t *testing.T, tmpl map[string]any)
		want   []string
	}{
		{"key policy lets another account decrypt", "TableStack", func(t *testing.T, tmpl map[string]any) {
			doc := onlyResource(t, tmpl, "AWS::KMS::Key")["KeyPolicy"].(map[string]any)
			doc["Statement"] = append(keyPolicyStatements(t, tmpl), map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
				"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}})
		}, []string{"extra access: arn:aws:iam::333333333333:root can kms:Decrypt directly on arn:aws:kms:us-east-1:111111111111:key/"}},
		{"key policy statement without kms:ViaService", "TableStack", func(t *testing.T, tmpl map[string]any) {
			cond := keyPolicyStatements(t, tmpl)[1].(map[string]any)["Condition"].(map[string]any)
			delete(cond["StringEquals"].(map[string]any), "kms:ViaService")
		}, []string{"FAIL: the key policy of arn:aws:kms:"}},
		{"writer without its key statement", "WriterStack", func(t *testing.T, tmpl map[string]any) {
			doc := onlyResource(t, tmpl, "AWS::IAM::Policy")["PolicyDocument"].(map[string]any)
			var kept []any
			for _, st := range doc["Statement"].([]any) {
				if st.(map[string]any)["Sid"] != "UseTableKey" {
					kept = append(kept, st)
				}
			}
			doc["Statement"] = kept
		}, []string{"missing access: " + writer + " cannot kms:Decrypt" + via + " on arn:aws:kms:", "the key policy allows it (TableStack/"}},
		{"organization guard dropped from the table policy", "TableStack", func(t *testing.T, tmpl map[string]any) {
			delete(tablePolicyStatement(t, tmpl)["Condition"].(map[string]any), "StringEquals")
		}, []string{"extra access: " + writer + " can dynamodb:PutItem on " + table}},
		{"organization guard dropped from the key policy", "TableStack", func(t *testing.T, tmpl map[string]any) {
			cond := keyPolicyStatements(t, tmpl)[1].(map[string]any)["Condition"].(map[string]any)
			delete(cond["StringEquals"].(map[string]any), "aws:PrincipalOrgID")
		}, []string{"extra access: " + writer + " can kms:Decrypt" + via}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			broken := copyAssembly(t, dir)
			rewriteTemplate(t, filepath.Join(broken, tc.stack+".template.json"), func(tmpl map[string]any) { tc.mutate(t, tmpl) })
			var stdout, stderr bytes.Buffer
			if code := run(append(args, broken), &stdout, &stderr); code != 1 {
				t.Fatalf("exit code %d, want 1; stderr %s", code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, tail(stdout.String(), 3000))
				}
			}
		})
	}
}

// TestPathsToTheWriterFailTheCheck widens the synthesized writer stack
// where the table policy does not see it, the role's trust policy and the
// function's permissions, and checks the command's output and exit codes:
// 1 naming the extra access and its path, and 2 for a statement the check
// cannot bound.
func TestPathsToTheWriterFailTheCheck(t *testing.T) {
	t.Parallel()
	dir, _, _ := assembly(t, "default")
	const (
		table  = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"
		writer = "arn:aws:iam::222222222222:role/cross-account-items-writer"
	)
	trust := func(tmpl map[string]any) map[string]any {
		return onlyResource(t, tmpl, "AWS::IAM::Role")["AssumeRolePolicyDocument"].(map[string]any)
	}
	tests := []struct {
		name   string
		mutate func(tmpl map[string]any)
		code   int
		want   []string
	}{
		{"another account trusted on the writer role", func(tmpl map[string]any) {
			doc := trust(tmpl)
			doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole",
				"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}})
		}, 1, []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + table + " via role " + writer + " (its trust policy admits it for sts:AssumeRole"}},
		{"another account may invoke the writer function", func(tmpl map[string]any) {
			tmpl["Resources"].(map[string]any)["Invoke"] = map[string]any{"Type": "AWS::Lambda::Permission", "Properties": map[string]any{
				"Action": "lambda:InvokeFunction", "Principal": "333333333333",
				"FunctionName": map[string]any{"Fn::GetAtt": []any{"WriterFunction9FC85C31", "Arn"}}}}
		}, 1, []string{"extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + table + " via function WriterStack/WriterFunction9FC85C31 (its resource policy admits it for lambda:InvokeFunction"}},
		{"a trust statement no witness meets", func(tmpl map[string]any) {
			doc := trust(tmpl)
			doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*",
				"Condition": map[string]any{"StringNotLike": map[string]any{"aws:PrincipalArn": "*"}, "StringEquals": map[string]any{"aws:PrincipalAccount": "333333333333"}}})
		}, 2, []string{"CANNOT CHECK: WriterStack/Role1ABCC5F0 AssumeRolePolicyDocument statement 1 admits none of the principals"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			broken := copyAssembly(t, dir)
			rewriteTemplate(t, filepath.Join(broken, "WriterStack.template.json"), tc.mutate)
			var stdout, stderr bytes.Buffer
			if code := run([]string{"-cdk-json", cdkJSON, broken}, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, tail(stdout.String(), 3000))
				}
			}
		})
	}
}

// TestQueueWriterPaths widens a queue writer's synthesized stack: its queue
// policy letting another account send, and a mapping from another queue.
// Each is extra access through the queue or the mapping.
func TestQueueWriterPaths(t *testing.T) {
	t.Parallel()
	dir, overrides, cfg := assembly(t, "queue")
	const table = "arn:aws:dynamodb:us-east-1:111111111111:table/cross-account-items"
	queueArn := cfg.Writers[0].QueueArn()
	policyOf := func(tmpl map[string]any, queue string) map[string]any {
		for _, r := range tmpl["Resources"].(map[string]any) {
			res := r.(map[string]any)
			props, _ := res["Properties"].(map[string]any)
			if res["Type"] != "AWS::SQS::QueuePolicy" {
				continue
			}
			if b, _ := json.Marshal(props["Queues"]); strings.Contains(string(b), queue) {
				return props["PolicyDocument"].(map[string]any)
			}
		}
		t.Fatalf("no queue policy for %s", queue)
		return nil
	}
	queueLogical := func(tmpl map[string]any) string {
		for id, r := range tmpl["Resources"].(map[string]any) {
			res := r.(map[string]any)
			if props, _ := res["Properties"].(map[string]any); res["Type"] == "AWS::SQS::Queue" && props["QueueName"] == cfg.Writers[0].QueueName() {
				return id
			}
		}
		t.Fatal("no queue named " + cfg.Writers[0].QueueName())
		return ""
	}
	tests := []struct {
		name   string
		mutate func(tmpl map[string]any)
		want   string
	}{
		{"the queue policy lets another account send", func(tmpl map[string]any) {
			doc := policyOf(tmpl, queueLogical(tmpl))
			doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Effect": "Allow", "Action": "sqs:SendMessage",
				"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}, "Resource": queueArn})
		}, "extra access: arn:aws:iam::333333333333:root can dynamodb:PutItem on " + table + " via queue WriterStack/"},
		{"a mapping from another queue", func(tmpl map[string]any) {
			tmpl["Resources"].(map[string]any)["Other"] = map[string]any{"Type": "AWS::Lambda::EventSourceMapping", "Properties": map[string]any{
				"FunctionName": map[string]any{"Ref": "WriterFunction9FC85C31"}, "EventSourceArn": "arn:aws:sqs:us-east-1:333333333333:elsewhere"}}
		}, "extra access: whoever can send to arn:aws:sqs:us-east-1:333333333333:elsewhere can dynamodb:PutItem on " + table},
	}
	args := []string{"-cdk-json", cdkJSON}
	for k, v := range overrides {
		args = append(args, "-c", k+"="+v.(string))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			broken := copyAssembly(t, dir)
			rewriteTemplate(t, filepath.Join(broken, "WriterStack.template.json"), tc.mutate)
			var got []string
			for _, d := range checkDir(t, broken, cfg).Differences {
				got = append(got, d.String())
			}
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, tc.want) }) {
				t.Errorf("differences lack %q; got:\n%s", tc.want, strings.Join(got, "\n"))
			}
			var stdout, stderr bytes.Buffer
			if code := run(append(args, broken), &stdout, &stderr); code != 1 {
				t.Errorf("exit code %d, want 1; stderr %s", code, stderr.String())
			}
		})
	}
}

// TestEveryKeyActionIsEvaluated grants another account, in the key
// policy, each action IAM defines on a key and a pattern IAM lists nothing
// for: the evaluator (without the policy-text comparison) names each one.
func TestEveryKeyActionIsEvaluated(t *testing.T) {
	t.Parallel()
	dir, _, cfg := assembly(t, "options")
	patterns := map[string]string{"kms:*Grant": "kms:RevokeGrant", "kms:EnableKeyRotation": "kms:EnableKeyRotation", "kms:Future*": "kms:FutureAccessCheckWitness"}
	for _, a := range iamactions.On(iamactions.KMS, "key") {
		patterns[a] = a
	}
	for pattern, action := range patterns {
		t.Run(pattern, func(t *testing.T) {
			t.Parallel()
			broken := copyAssembly(t, dir)
			rewriteTemplate(t, filepath.Join(broken, "TableStack.template.json"), func(tmpl map[string]any) {
				doc := onlyResource(t, tmpl, "AWS::KMS::Key")["KeyPolicy"].(map[string]any)
				doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Effect": "Allow", "Action": pattern, "Resource": "*",
					"Principal": map[string]any{"AWS": "arn:aws:iam::333333333333:root"}})
			})
			want := "extra access: arn:aws:iam::333333333333:root can " + action + " directly on arn:aws:kms:us-east-1:111111111111:key/"
			var got []string
			for _, d := range checkDir(t, broken, cfg).Differences {
				got = append(got, d.String())
			}
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
				t.Errorf("differences lack %q; got:\n%s", want, strings.Join(got, "\n"))
			}
		})
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
