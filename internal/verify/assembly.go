package verify

import (
	"github.com/cross-account-dynamodb/cdk/internal/access"
	"github.com/cross-account-dynamodb/cdk/internal/arns"
	"github.com/cross-account-dynamodb/cdk/internal/config"
	"github.com/cross-account-dynamodb/cdk/internal/shellquote"
)

// synthesized is what the cloud assembly says the deployment should be.
type synthesized struct {
	// tablePolicy is the table's resource policy document.
	tablePolicy any
	// trust maps each role ARN of the templates to its trust policy.
	trust map[string]any
	// queues maps the ARN of each queue with a fixed name to its
	// properties.
	queues map[string]map[string]any
}

// readAssembly reads the table policy and the writers' trust policies from
// the cloud assembly, and checks that it was synthesized from this
// configuration: verify compares the live state with both.
func (v *verifier) readAssembly() (*synthesized, bool) {
	dir := v.opts.Assembly
	templates, err := access.LoadAssembly(dir, func(region string) string { return config.Regions[region] })
	if err != nil {
		v.cannot("read the cloud assembly: %v; synthesize it first (make synth)", err)
		return nil, false
	}
	model, err := access.Collect(templates)
	if err != nil {
		v.cannot("cannot check %s:\n%v", dir, err)
		return nil, false
	}
	s := &synthesized{trust: map[string]any{}, queues: map[string]map[string]any{}}
	found := false
	for _, t := range model.Tables {
		if t.Arn == v.cfg.TableArn() {
			s.tablePolicy, found = t.Document, true
		}
	}
	if !found {
		v.cannot("%s defines no table %s: synthesize it with the same configuration: %s", dir, v.cfg.TableArn(), v.synthHint())
		return nil, false
	}
	if diff := access.PolicyDiff(s.tablePolicy, config.TablePolicy(v.cfg.Grants())); len(diff) > 0 {
		v.cannot("the table policy in %s is not the one the configuration renders: it was synthesized with other values; synthesize it again: %s\n%s", dir, v.synthHint(), joinLines(diff))
		return nil, false
	}
	v.ok("%s defines the table policy the configuration renders", dir)
	for _, t := range templates {
		for _, r := range t.Resources {
			if name, ok := r.Properties["QueueName"].(string); ok && r.Type == "AWS::SQS::Queue" {
				s.queues[arns.Queue(t.Partition, t.Region, t.Account, name)] = r.Properties
			}
			name, _ := r.Properties["RoleName"].(string)
			if r.Type != "AWS::IAM::Role" || name == "" {
				continue
			}
			s.trust[arns.Role(t.Partition, t.Account, name)] = r.Properties["AssumeRolePolicyDocument"]
		}
	}
	ok := true
	for _, w := range v.cfg.Writers {
		if _, has := s.trust[w.RoleArn()]; !has {
			v.cannot("%s defines no role %s for writer %s: synthesize it with the same configuration: %s", dir, w.RoleArn(), w.Name, v.synthHint())
			ok = false
		}
		if _, has := s.queues[w.QueueArn()]; has != (w.Source == config.SourceQueue) {
			v.cannot("%s does not define writer %s with \"source\": %q: synthesize it with the same configuration: %s", dir, w.Name, w.Source, v.synthHint())
			ok = false
		}
	}
	return s, ok
}

// synthHint is the command that synthesizes the assembly verify was given
// from the configuration it was given.
func (v *verifier) synthHint() string {
	cmd := "npx cdk synth --quiet"
	for _, c := range v.opts.ContextArgs {
		cmd += " -c " + shellquote.Quote(c)
	}
	if v.opts.Assembly != "cdk.out" {
		cmd += " -o " + shellquote.Quote(v.opts.Assembly)
	}
	return cmd
}

func joinLines(lines []string) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n"
		}
		out += "  " + l
	}
	return out
}
