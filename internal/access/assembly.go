package access

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Template is one synthesized CloudFormation template and the environment
// its stack deploys to.
type Template struct {
	// Stack is the stack's artifact name in the cloud assembly.
	Stack string
	// Account is the 12-digit account id, or "" when the stack is
	// environment-agnostic.
	Account string
	// Region is the region, or "" when the stack is environment-agnostic.
	Region string
	// Partition is the AWS partition of Region ("aws", "aws-cn",
	// "aws-iso", ...), or "" when the region is unknown.
	Partition string
	// Resources maps logical ids to resources.
	Resources map[string]Resource
	// Parameters holds the names of the template's parameters.
	Parameters map[string]bool
	// Nested marks the AWS::CloudFormation::Stack resources whose nested
	// template was read from the cloud assembly, by logical id.
	Nested map[string]bool
	// depth counts the intrinsics being resolved, to stop at a circular
	// reference.
	depth int
}

// Resource is one entry of a template's Resources section.
type Resource struct {
	Type       string         `json:"Type"`
	Properties map[string]any `json:"Properties"`
	Metadata   map[string]any `json:"Metadata"`
}

// manifest is the part of a cloud assembly's manifest.json read here.
type manifest struct {
	Artifacts map[string]struct {
		Type        string `json:"type"`
		Environment string `json:"environment"`
		Properties  struct {
			TemplateFile  string `json:"templateFile"`
			DirectoryName string `json:"directoryName"`
		} `json:"properties"`
	} `json:"artifacts"`
}

// LoadAssembly reads every stack template of the cloud assembly in dir (a
// cdk.out directory). Stacks and their environments come from manifest.json,
// including nested assemblies (stages). Without a manifest, every
// *.template.json in dir is read as an environment-agnostic stack named after
// its file.
//
// partition maps a region to its partition, as the app that synthesized the
// assembly does (aws-cdk-lib's region facts); it returns "" for a region it
// does not know, which is an error.
func LoadAssembly(dir string, partition func(region string) string) ([]*Template, error) {
	if partition == nil {
		return nil, errors.New("LoadAssembly: no partition lookup")
	}
	if info, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !info.IsDir() {
		return nil, fmt.Errorf("%s: not a directory; want a cloud assembly such as cdk.out", dir)
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if errors.Is(err, os.ErrNotExist) {
		return loadTemplateFiles(dir)
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	names := make([]string, 0, len(m.Artifacts))
	for name := range m.Artifacts {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []*Template
	for _, name := range names {
		a := m.Artifacts[name]
		switch a.Type {
		case "aws:cloudformation:stack":
			account, region, err := parseEnvironment(a.Environment)
			if err != nil {
				return nil, fmt.Errorf("manifest artifact %q: %w", name, err)
			}
			t, err := readTemplate(filepath.Join(dir, a.Properties.TemplateFile), name)
			if err != nil {
				return nil, err
			}
			t.Account, t.Region = account, region
			if region != "" {
				if t.Partition = partition(region); t.Partition == "" {
					return nil, fmt.Errorf("manifest artifact %q: region %q: partition unknown", name, region)
				}
			}
			withNested, err := readNested(dir, t)
			if err != nil {
				return nil, err
			}
			out = append(out, withNested...)
		case "cdk:cloud-assembly":
			nested, err := LoadAssembly(filepath.Join(dir, a.Properties.DirectoryName), partition)
			if err != nil {
				return nil, err
			}
			out = append(out, nested...)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no stack artifacts in manifest.json", dir)
	}
	return out, nil
}

func loadTemplateFiles(dir string) ([]*Template, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no manifest.json and no *.template.json files", dir)
	}
	sort.Strings(files)
	out := make([]*Template, 0, len(files))
	for _, f := range files {
		if strings.HasSuffix(f, ".nested.template.json") {
			continue // read with its parent
		}
		t, err := readTemplate(f, strings.TrimSuffix(filepath.Base(f), ".template.json"))
		if err != nil {
			return nil, err
		}
		withNested, err := readNested(dir, t)
		if err != nil {
			return nil, err
		}
		out = append(out, withNested...)
	}
	return out, nil
}

// parseEnvironment splits "aws://111111111111/us-east-1". The CDK writes
// "unknown-account" and "unknown-region" for environment-agnostic stacks.
func parseEnvironment(env string) (account, region string, err error) {
	rest, ok := strings.CutPrefix(env, "aws://")
	if !ok {
		return "", "", fmt.Errorf("environment %q: want aws://<account>/<region>", env)
	}
	account, region, ok = strings.Cut(rest, "/")
	if !ok {
		return "", "", fmt.Errorf("environment %q: want aws://<account>/<region>", env)
	}
	if account == "unknown-account" {
		account = ""
	}
	if region == "unknown-region" {
		region = ""
	}
	return account, region, nil
}

// readNested returns t and the templates of its nested stacks, read from
// the cloud assembly in dir (the CDK writes each next to its parent and
// names the file in the resource's aws:asset:path metadata). A nested
// stack deploys to its parent's environment. A nested stack whose
// template is not there stays unread, and Collect refuses it.
func readNested(dir string, t *Template) ([]*Template, error) {
	out := []*Template{t}
	for _, logical := range sortedKeys(t.Resources) {
		r := t.Resources[logical]
		file, _ := r.Metadata["aws:asset:path"].(string)
		if r.Type != "AWS::CloudFormation::Stack" || !strings.HasSuffix(file, ".template.json") || filepath.Base(file) != file {
			continue
		}
		child, err := readTemplate(filepath.Join(dir, file), t.Stack+"/"+logical)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		child.Account, child.Region, child.Partition = t.Account, t.Region, t.Partition
		t.Nested[logical] = true
		nested, err := readNested(dir, child)
		if err != nil {
			return nil, err
		}
		out = append(out, nested...)
	}
	return out, nil
}

func readTemplate(path, stack string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t, err := ParseTemplate(stack, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseTemplate decodes a CloudFormation template in JSON. The caller sets
// Account, Region and Partition.
func ParseTemplate(stack string, data []byte) (*Template, error) {
	var raw struct {
		Resources  map[string]Resource `json:"Resources"`
		Parameters map[string]any      `json:"Parameters"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	t := &Template{Stack: stack, Resources: raw.Resources, Parameters: map[string]bool{}, Nested: map[string]bool{}}
	if t.Resources == nil {
		t.Resources = map[string]Resource{}
	}
	for name := range raw.Parameters {
		t.Parameters[name] = true
	}
	return t, nil
}
