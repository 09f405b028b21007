// Command bench measures the writer function and the app beside their
// floors (a hello-world Go Lambda, an empty Go CDK app), alternating
// project and floor round by round in one run, and prints a table of the
// medians and their ratios; see BENCHMARKS.md.
//
// Usage, from the repository root (make bench):
//
//	go run ./cmd/bench [-rounds 5] [-only size,init,write,batch,memory,synth]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
)

// row is one line of the table: a measurement of the project, its floor's,
// and the most the ratio may be (0 for a breakdown, which has no target).
type row struct {
	what, unit     string
	project, floor float64
	limit          float64
	// atLeast, when set instead of limit, is the least the ratio may be.
	atLeast float64
	command string
}

func (r row) ratio() float64 { return r.project / r.floor }

// bench is one run's shared state.
type bench struct {
	root   string // the module root
	tmp    string // scratch space, removed at the end
	rounds int
	log    io.Writer // build and service output
	rows   []row
	notes  []string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// measurements are the -only names, in the order they run.
var measurements = []string{"size", "init", "write", "batch", "memory", "synth"}

// run parses the flags and runs the measurements: exit code 0 when the
// table was printed, 1 when a measurement failed, 2 for a bad flag.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 5, "paired runs per comparison (each takes the median)")
	only := fs.String("only", strings.Join(measurements, ","), "comma-separated measurements to run")
	verbose := fs.Bool("v", false, "show the output of builds and services")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *rounds < 1 {
		fmt.Fprintf(stderr, "error: -rounds: got %d, want at least 1\n", *rounds)
		return 2
	}
	names := strings.Split(*only, ",")
	for _, n := range names {
		if !slices.Contains(measurements, n) {
			fmt.Fprintf(stderr, "error: -only: %q is not a measurement; want some of %s\n", n, strings.Join(measurements, ","))
			return 2
		}
	}
	if err := measure(ctx, *rounds, names, *verbose, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	return 0
}

func measure(ctx context.Context, rounds int, only []string, verbose bool, stdout, stderr io.Writer) error {
	root, err := gobuild.ModuleRoot(".")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b := &bench{root: root, tmp: tmp, rounds: rounds, log: io.Discard}
	if verbose {
		b.log = stderr
	}
	steps := map[string]func(context.Context) error{
		"size": b.size, "init": b.init, "write": b.write, "batch": b.batch, "memory": b.memory, "synth": b.synth,
	}
	for _, name := range measurements {
		if !slices.Contains(only, name) {
			continue
		}
		fmt.Fprintf(stderr, "bench: %s ...\n", name)
		if err := steps[name](ctx); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	b.print(stdout)
	return nil
}

// print writes the table as Markdown, then the notes.
func (b *bench) print(w io.Writer) {
	fmt.Fprintf(w, "\n%d rounds, %s, load average %s\n\n", b.rounds, time.Now().UTC().Format(time.RFC3339), loadAverage())
	fmt.Fprintln(w, "| what | project | floor | ratio | limit | met |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range b.rows {
		limit, met := "—", "—"
		switch {
		case r.limit > 0:
			limit, met = fmt.Sprintf("%.2f", r.limit), "yes"
			if r.ratio() > r.limit {
				met = "NO"
			}
		case r.atLeast > 0:
			limit, met = fmt.Sprintf("at least %.0f", r.atLeast), "yes"
			if r.ratio() < r.atLeast {
				met = "NO"
			}
		}
		fmt.Fprintf(w, "| %s | %s %s | %s %s | %.3f | %s | %s |\n",
			r.what, format(r.project), r.unit, format(r.floor), r.unit, r.ratio(), limit, met)
	}
	fmt.Fprintln(w)
	for _, r := range b.rows {
		fmt.Fprintf(w, "- %s: `%s`\n", r.what, r.command)
	}
	for _, n := range b.notes {
		fmt.Fprintln(w, "- "+n)
	}
}

func format(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(raw))[:3], " ")
}

// median returns the middle value of xs (the mean of the two middle ones
// for an even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
