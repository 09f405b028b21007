package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cross-account-dynamodb/cdk/internal/floor"
	"github.com/cross-account-dynamodb/cdk/internal/gobuild"
	"github.com/cross-account-dynamodb/cdk/internal/lambdalocal"
	"github.com/cross-account-dynamodb/cdk/internal/tablespec"
	"github.com/cross-account-dynamodb/cdk/internal/writerspec"
)

// Events of the init comparison: the seed's item, written unconditionally so
// that every round succeeds; and an event the writer rejects before any
// call, to tell its init from its first PutItem.
const (
	seedEvent    = `{"overwrite":true}`
	invalidEvent = `{"category":1}`
)

// floorModule writes the hello-world function's module once per run.
func (b *bench) floorModule(ctx context.Context) (string, error) {
	dir := filepath.Join(b.tmp, "floor-function")
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	return dir, floor.Function(ctx, b.root, dir)
}

// putItemFunction builds the smallest SDK writer for the host with the
// project's flags, into dir/putitem.
func (b *bench) putItemFunction(ctx context.Context, dir string) (string, error) {
	module := filepath.Join(b.tmp, "putitem-function")
	if err := floor.PutItemFunction(ctx, b.root, module); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "putitem")
	if err := gobuild.Build(ctx, gobuild.Options{ModuleRoot: module, Entry: ".", OutputDir: out, GOARCH: runtime.GOARCH, Log: b.log}); err != nil {
		return "", err
	}
	return filepath.Join(out, "bootstrap"), nil
}

// buildPair builds the writer and the floor function for goarch with the
// project's build flags, into dir/project and dir/floor.
func (b *bench) buildPair(ctx context.Context, goarch, dir string) (project, floorBin string, err error) {
	floorDir, err := b.floorModule(ctx)
	if err != nil {
		return "", "", err
	}
	builds := []gobuild.Options{
		{ModuleRoot: b.root, Entry: writerspec.Entry, OutputDir: filepath.Join(dir, "project"), GOARCH: goarch, Log: b.log},
		{ModuleRoot: floorDir, Entry: ".", OutputDir: filepath.Join(dir, "floor"), GOARCH: goarch, Log: b.log},
	}
	for _, o := range builds {
		if err := gobuild.Build(ctx, o); err != nil {
			return "", "", err
		}
	}
	return filepath.Join(dir, "project", "bootstrap"), filepath.Join(dir, "floor", "bootstrap"), nil
}

// size compares the deployed arm64 bootstraps.
func (b *bench) size(ctx context.Context) error {
	project, floorBin, err := b.buildPair(ctx, "arm64", filepath.Join(b.tmp, "arm64"))
	if err != nil {
		return err
	}
	var sizes [2]float64
	for i, path := range []string{project, floorBin} {
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		sizes[i] = float64(info.Size())
	}
	b.rows = append(b.rows, row{
		what: "binary: `bootstrap`, linux/arm64, stripped", unit: "B", project: sizes[0], floor: sizes[1], limit: 1.35,
		command: "CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -o bootstrap " + strings.Join(gobuild.DefaultFlags, " ") +
			" ./runtime/writer (the floor: the same, on a function that returns \"ok\")",
	})
	return nil
}

// init times, under the Runtime Interface Emulator, each function's first
// invocation after the emulator starts: the bootstrap's process start, its
// init and its first response (the writer's is a PutItem to moto_server),
// and the same for the smallest function that writes with the SDK.
func (b *bench) init(ctx context.Context) error {
	project, floorBin, err := b.buildPair(ctx, runtime.GOARCH, filepath.Join(b.tmp, "host"))
	if err != nil {
		return err
	}
	bins, err := lambdalocal.Build(ctx, b.root, writerspec.Entry, filepath.Join(b.tmp, "host", "rie"), b.log)
	if err != nil {
		return err
	}
	putItem, err := b.putItemFunction(ctx, filepath.Join(b.tmp, "host"))
	if err != nil {
		return err
	}
	table, err := tablespec.ParseArn(tablespec.ExampleArn)
	if err != nil {
		return err
	}
	moto, err := lambdalocal.StartMoto(ctx, table.AccountID, b.log)
	if err != nil {
		return err
	}
	defer moto.Stop()
	if err := moto.CreateTable(ctx, tablespec.ExampleArn); err != nil {
		return err
	}
	// The sample item on: the writer's seed event, {"overwrite":true}, writes it.
	env := append(lambdalocal.WriterEnv(tablespec.ExampleArn, moto.URL), lambdalocal.SampleItemEnv)
	runs := []struct {
		bootstrap, event string
		wantErr          bool
	}{{project, seedEvent, false}, {floorBin, seedEvent, false}, {project, invalidEvent, true}, {putItem, seedEvent, false}}
	var times [4][]float64
	for round := range b.rounds {
		// The writer (0) and the smallest SDK writer (3), the target's
		// pair, take turns going first; then the hello-world and the
		// rejecting writer, which are information.
		pair := []int{0, 3}
		if round%2 == 1 {
			pair = []int{3, 0}
		}
		for _, i := range append(pair, 1, 2) {
			r := runs[i]
			ms, err := firstResponse(ctx, lambdalocal.Binaries{Bootstrap: r.bootstrap, RIE: bins.RIE}, env, r.event, r.wantErr, b.log)
			if err != nil {
				return err
			}
			times[i] = append(times[i], ms)
		}
	}
	// The target is against the smallest function that writes with the
	// SDK: the SDK's own package init and the first PutItem are in both.
	// The hello-world ratio stays as information (BENCHMARKS.md section 2
	// says why it cannot reach 1.5x).
	b.rows = append(b.rows, row{
		what: "init: process start to first response under the emulator, the writer vs the smallest function that writes with the SDK", unit: "ms",
		project: median(times[0]), floor: median(times[3]), limit: 1.05,
		command: "go run ./cmd/bench -only init (both write the seed item to moto_server; the floor is internal/floor's PutItem function: lambda.Start, dynamodb.New, one PutItem)",
	}, row{
		what: "information: init, the writer vs a hello-world function", unit: "ms",
		project: median(times[0]), floor: median(times[1]),
		command: "go run ./cmd/bench -only init (the floor returns \"ok\")",
	}, row{
		what: "breakdown: init, the writer rejecting an event (no PutItem) vs hello-world", unit: "ms",
		project: median(times[2]), floor: median(times[1]),
		command: "go run ./cmd/bench -only init (event " + invalidEvent + ")",
	}, row{
		what: "breakdown: init, the smallest function that writes with the SDK vs hello-world", unit: "ms",
		project: median(times[3]), floor: median(times[1]),
		command: "go run ./cmd/bench -only init",
	})
	b.notes = append(b.notes, fmt.Sprintf("init, every round (writer / smallest SDK writer; writer / hello-world; writer rejecting / hello-world, ms): %s; %s; %s",
		pairs(times[0], times[3]), pairs(times[0], times[1]), pairs(times[2], times[1])))
	return nil
}

// firstResponse starts the emulator (not timed) and times the first
// invocation, in which the emulator starts the bootstrap. The function must
// fail exactly when wantErr.
func firstResponse(ctx context.Context, bins lambdalocal.Binaries, env []string, event string, wantErr bool, log io.Writer) (float64, error) {
	fn, err := lambdalocal.StartFunction(ctx, bins, env, log)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	res, err := fn.Invoke(ctx, []byte(event))
	elapsed := time.Since(start)
	if stopErr := fn.Stop(); err == nil {
		err = stopErr
	}
	if err == nil && (res.ErrorType != "") != wantErr {
		err = fmt.Errorf("%s with %s: error %q: %s", bins.Bootstrap, event, res.ErrorType, res.ErrorMessage)
	}
	return float64(elapsed.Microseconds()) / 1000, err
}

// order is which of project (0) and floor (1) runs first in a round: they
// take turns, so that neither always runs on the caches the other warmed.
func order(round int) []int {
	if round%2 == 1 {
		return []int{1, 0}
	}
	return []int{0, 1}
}

// pairs formats paired measurements as "a/b, c/d".
func pairs(project, floor []float64) string {
	var s []string
	for i := range project {
		s = append(s, fmt.Sprintf("%.3g/%.3g", project[i], floor[i]))
	}
	return strings.Join(s, ", ")
}
