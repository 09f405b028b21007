package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cross-account-dynamodb/cdk/internal/floor"
)

// cdk is the pinned CLI, as the Makefile runs it.
var cdk = []string{"npx", "--no-install", "cdk"}

// timing is one command's wall-clock time and the CPU time of its whole
// process tree, in seconds.
type timing struct{ wall, cpu float64 }

// comparison is a project command and its floor's, run alternately.
type comparison struct {
	what, command    string // command: what the row runs, when not the CLI
	limit            float64
	project, floor   []string // arguments after the CLI
	projectEnv       []string // added to the project's environment
	floorEnv         []string // added to the floor's environment
	projectT, floorT []timing
}

// synth compares `cdk synth` of the app, gates on as by default, with the
// empty app's at aws-cdk-lib's defaults, and like for like with the template
// validation off on both sides (CDK_VALIDATION=false); then TableStack
// alone, the inner loop without the gates, and the CLI and the app alone as
// a breakdown; and checks that a re-synth builds nothing.
func (b *bench) synth(ctx context.Context) error {
	floorDir := filepath.Join(b.tmp, "floor-app")
	if err := floor.App(ctx, b.root, floorDir); err != nil {
		return err
	}
	// The project's runs get a cache of their own for app.sh's binary (see
	// cdk.json), warmed by the untimed synth below, as a re-synth finds it.
	projectEnv := []string{"CDK_APP_CACHE=" + b.appCache()}
	comps := []*comparison{
		{what: "synth, the gates on (the default): `cdk synth --quiet`, whole app", limit: 1.15,
			project: []string{"synth", "--quiet"}, floor: []string{"synth", "--quiet"}},
		{what: "like for like, no template validation on either side: `cdk synth --quiet` with `CDK_VALIDATION=false`, whole app (cdk-nag still on)", limit: 1.10,
			project: []string{"synth", "--quiet"}, floor: []string{"synth", "--quiet"},
			projectEnv: []string{"CDK_VALIDATION=false"}, floorEnv: []string{"CDK_VALIDATION=false"}},
		{what: "breakdown: `cdk synth TableStack -e --quiet` (floor: EmptyStack -e)", limit: 0,
			project: []string{"synth", "TableStack", "-e", "--quiet"}, floor: []string{"synth", "EmptyStack", "-e", "--quiet"}},
		{what: "breakdown: the inner loop, `cdk synth -c checks=false --quiet` (floor: `CDK_VALIDATION=false`)", limit: 0,
			project: []string{"synth", "-c", "checks=false", "--quiet"}, floor: []string{"synth", "--quiet"}, floorEnv: []string{"CDK_VALIDATION=false"}},
		{what: "breakdown: the CLI alone, `cdk --version`", limit: 0,
			project: []string{"--version"}, floor: []string{"--version"}},
	}
	// One untimed synth each: go run's cache, jsii's package cache and the
	// function's asset are warm for every timed run, as in a re-synth.
	for dir, env := range map[string][]string{b.root: projectEnv, floorDir: nil} {
		if _, err := b.runCDK(ctx, dir, env, "synth", "--quiet"); err != nil {
			return err
		}
	}
	for round := range b.rounds {
		for _, c := range comps {
			for _, i := range order(round) {
				dir, args, env, into := b.root, c.project, append(slices.Clone(projectEnv), c.projectEnv...), &c.projectT
				if i == 1 {
					dir, args, env, into = floorDir, c.floor, c.floorEnv, &c.floorT
				}
				t, err := b.runCDK(ctx, dir, env, args...)
				if err != nil {
					return err
				}
				*into = append(*into, t)
			}
		}
	}
	for _, c := range comps {
		b.addTimings(c)
	}
	if err := b.appAlone(ctx, floorDir); err != nil {
		return err
	}
	return b.resynthBuildsNothing(ctx, projectEnv)
}

// appCache is where app.sh keeps the project's binary during the bench.
func (b *bench) appCache() string { return filepath.Join(b.tmp, "app-cache") }

// addTimings adds a comparison's wall-clock row (a breakdown has no limit:
// its ratio is information) and its CPU times as a note.
func (b *bench) addTimings(c *comparison) {
	wall := func(ts []timing) (xs []float64) {
		for _, t := range ts {
			xs = append(xs, t.wall)
		}
		return xs
	}
	cpu := func(ts []timing) (xs []float64) {
		for _, t := range ts {
			xs = append(xs, t.cpu)
		}
		return xs
	}
	command := c.command
	if command == "" {
		command = strings.Join(append(slices.Clone(c.projectEnv), append(slices.Clone(cdk), c.project...)...), " ") + " (floor: " + strings.Join(append(slices.Clone(c.floorEnv), append(slices.Clone(cdk), c.floor...)...), " ") + " in the empty app)"
	}
	b.rows = append(b.rows, row{
		what: c.what, unit: "s", project: median(wall(c.projectT)), floor: median(wall(c.floorT)), limit: c.limit, command: command,
	})
	b.notes = append(b.notes, fmt.Sprintf("%s: CPU time (user+sys), median: %.2f s / %.2f s = %.3f; wall, every round (project / floor, s): %s",
		c.what, median(cpu(c.projectT)), median(cpu(c.floorT)), median(cpu(c.projectT))/median(cpu(c.floorT)), pairs(wall(c.projectT), wall(c.floorT))))
}

// runCDK runs the CLI in dir with env added, and times it.
func (b *bench) runCDK(ctx context.Context, dir string, env []string, args ...string) (timing, error) {
	return b.timeCmd(ctx, dir, env, append(slices.Clone(cdk), args...)...)
}

// timeCmd runs argv in dir with env added, and times it.
func (b *bench) timeCmd(ctx context.Context, dir string, env []string, argv ...string) (timing, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start).Seconds()
	if err != nil {
		return timing{}, fmt.Errorf("%s in %s: %v\n%s", strings.Join(argv, " "), dir, err, out.Bytes())
	}
	b.log.Write(out.Bytes())
	st := cmd.ProcessState
	return timing{wall: wall, cpu: (st.UserTime() + st.SystemTime()).Seconds()}, nil
}

// appAlone runs both apps' binaries as the CLI runs them but without it
// (and the project's without building the function), to split a synth into
// the CLI, go run and the app.
func (b *bench) appAlone(ctx context.Context, floorDir string) error {
	projectBin, floorBin := filepath.Join(b.tmp, "app-project"), filepath.Join(b.tmp, "app-floor")
	for dir, bin := range map[string]string{b.root: projectBin, floorDir: floorBin} {
		if _, err := b.timeCmd(ctx, dir, nil, "go", "build", "-o", bin, "."); err != nil {
			return err
		}
	}
	projectCtx, err := cdkJSONContext(b.root)
	if err != nil {
		return err
	}
	for _, validation := range []string{"", "CDK_VALIDATION=false"} {
		c := &comparison{what: "breakdown: the app alone (no CLI, no app.sh or go run, function not built), gates on",
			command: "go build -o app . && CDK_OUTDIR=... CDK_CONTEXT_JSON=<cdk.json's context, no stack bundled> ./app (floor: the same in the empty app, context {})"}
		if validation != "" {
			c.what = "breakdown: the app alone, `CDK_VALIDATION=false` on both sides (cdk-nag still on)"
			c.command = validation + " " + c.command
		}
		for round := range b.rounds {
			for _, i := range order(round) {
				dir, bin, context, into := b.root, projectBin, projectCtx, &c.projectT
				if i == 1 {
					dir, bin, context, into = floorDir, floorBin, "{}", &c.floorT
				}
				env := []string{"CDK_OUTDIR=" + filepath.Join(b.tmp, "out-"+filepath.Base(bin)), "CDK_CONTEXT_JSON=" + context}
				if validation != "" {
					env = append(env, validation)
				}
				t, err := b.timeCmd(ctx, dir, env, bin)
				if err != nil {
					return err
				}
				*into = append(*into, t)
			}
		}
		b.addTimings(c)
	}
	return nil
}

// cdkJSONContext is cdk.json's context, with no stack selected for bundling.
func cdkJSONContext(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		return "", err
	}
	var doc struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "", err
	}
	doc.Context["aws:cdk:bundling-stacks"] = []any{}
	out, err := json.Marshal(doc.Context)
	return string(out), err
}

// resynthBuildsNothing synthesizes once more, with nothing changed, and
// notes whether the bundler ran, whether the bootstrap was rewritten and
// whether app.sh built the app again.
func (b *bench) resynthBuildsNothing(ctx context.Context, env []string) error {
	before, err := bootstrapTimes(b.root)
	if err != nil {
		return err
	}
	appBefore, err := appBinaries(b.appCache())
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, cdk[0], append(slices.Clone(cdk[1:]), "synth", "--quiet")...)
	cmd.Dir = b.root
	cmd.Env = append(append(os.Environ(), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("re-synth: %v\n%s", err, out)
	}
	after, err := bootstrapTimes(b.root)
	if err != nil {
		return err
	}
	appAfter, err := appBinaries(b.appCache())
	if err != nil {
		return err
	}
	appBuilt := appBefore != appAfter
	bundled := strings.Contains(string(out), "Bundling asset")
	b.notes = append(b.notes, fmt.Sprintf("re-synth with no source changed: bundler ran (\"Bundling asset\" in the output): %v; "+
		"bootstrap in cdk.out rewritten: %v (%s); app.sh built the app again: %v (%s)", bundled, before != after, after, appBuilt, appAfter))
	if bundled || before != after || appBuilt {
		return fmt.Errorf("a re-synth with nothing changed built the function or the app again:\n%s", out)
	}
	return nil
}

// appBinaries lists app.sh's cached binaries and their times.
func appBinaries(cache string) (string, error) {
	found, err := filepath.Glob(filepath.Join(cache, "*", "app-*"))
	if err != nil || len(found) == 0 {
		return "", fmt.Errorf("no app binary in %s (%v)", cache, err)
	}
	var s []string
	for _, f := range found {
		info, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		s = append(s, filepath.Base(f)[:16]+" "+info.ModTime().UTC().Format(time.RFC3339Nano))
	}
	return strings.Join(s, ", "), nil
}

// bootstrapTimes lists the function assets' bootstraps and their times.
func bootstrapTimes(root string) (string, error) {
	found, err := filepath.Glob(filepath.Join(root, "cdk.out", "asset.*", "bootstrap"))
	if err != nil || len(found) == 0 {
		return "", fmt.Errorf("no bootstrap in cdk.out (%v)", err)
	}
	var s []string
	for _, f := range found {
		info, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		s = append(s, filepath.Base(filepath.Dir(f))[:16]+"/bootstrap "+info.ModTime().UTC().Format(time.RFC3339Nano))
	}
	return strings.Join(s, ", "), nil
}
