package gobuild

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuildWriterIsAStrippedStaticLinuxELF(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		goarch  string
		machine elf.Machine
	}{{"arm64", elf.EM_AARCH64}, {"amd64", elf.EM_X86_64}} {
		t.Run(tt.goarch, func(t *testing.T) {
			out := t.TempDir()
			var log bytes.Buffer
			err := Build(context.Background(), Options{
				ModuleRoot: root, Entry: "runtime/writer", OutputDir: out, GOARCH: tt.goarch, Log: &log,
			})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			bootstrap := filepath.Join(out, "bootstrap")
			if info, err := os.Stat(bootstrap); err == nil {
				t.Logf("bootstrap for %s: %d bytes", tt.goarch, info.Size())
			}
			f, err := elf.Open(bootstrap)
			if err != nil {
				t.Fatalf("bootstrap is not an ELF file: %v", err)
			}
			defer f.Close()
			if f.Machine != tt.machine || f.Class != elf.ELFCLASS64 || f.Type != elf.ET_EXEC {
				t.Errorf("bootstrap is %v %v %v, want a 64-bit %v executable", f.Class, f.Type, f.Machine, tt.machine)
			}
			for _, p := range f.Progs {
				if p.Type == elf.PT_INTERP {
					t.Error("bootstrap has a dynamic loader: want a static binary (CGO_ENABLED=0)")
				}
			}
			for _, name := range []string{".symtab", ".debug_info"} {
				if f.Section(name) != nil {
					t.Errorf("bootstrap has a %s section: want it stripped (-ldflags=-s -w)", name)
				}
			}
			if f.Section(".note.go.buildid") == nil {
				t.Error("bootstrap has no Go build ID note: not built by go build?")
			}
		})
	}
}

func TestBuildFailureCarriesTheCompilerMessage(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/broken\n\ngo 1.26\n")
	write("fn/main.go", "package main\n\nfunc main() { undefinedHandler() }\n")

	var log bytes.Buffer
	err := Build(context.Background(), Options{ModuleRoot: root, Entry: "fn", OutputDir: t.TempDir(), GOARCH: "arm64", Log: &log})
	if err == nil {
		t.Fatal("Build of a package that does not compile succeeded")
	}
	for _, want := range []string{"go build ./fn (GOARCH=arm64) failed", "undefined: undefinedHandler"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if !strings.Contains(log.String(), "undefined: undefinedHandler") {
		t.Errorf("compiler output not written to Log: %q", log.String())
	}
}

func TestBuildRejectsUnknownArchitecture(t *testing.T) {
	err := Build(context.Background(), Options{ModuleRoot: t.TempDir(), Entry: "fn", OutputDir: t.TempDir(), GOARCH: "386"})
	if err == nil || !strings.Contains(err.Error(), `GOARCH "386": want arm64 or amd64`) {
		t.Errorf("Build with GOARCH 386 = %v, want an error naming the architecture", err)
	}
}

func TestModuleRootWalksUpToGoMod(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	nested := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{root, nested} {
		if got, err := ModuleRoot(dir); err != nil || got != root {
			t.Errorf("ModuleRoot(%s) = %q, %v; want %s", dir, got, err, root)
		}
	}
	if got, err := ModuleRoot("/"); err == nil {
		t.Errorf("ModuleRoot(/) = %q, want an error", got)
	}
}

func TestBuildFlagsAddVendorOnlyWhenVendored(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	o := Options{ModuleRoot: root, Entry: "fn"}
	if got := BuildFlags(o); strings.Join(got, " ") != strings.Join(DefaultFlags, " ") {
		t.Errorf("BuildFlags = %q, want DefaultFlags", got)
	}
	if err := os.Mkdir(filepath.Join(root, "vendor"), 0o755); err != nil {
		t.Fatal(err)
	}
	o.Flags = []string{"-tags=x"}
	if got := BuildFlags(o); strings.Join(got, " ") != "-mod=vendor -tags=x" {
		t.Errorf("BuildFlags = %q, want -mod=vendor and the given flags", got)
	}
	if args := Args(o); !slices.Contains(args, "-mod=vendor") || args[len(args)-1] != "./fn" {
		t.Errorf("Args = %q, want the build flags and ./fn", args)
	}
}

// TestWithTagsAddsToTheDefaultTags: extra tags join lambda.norpc in the
// one -tags flag; the other flags stay.
func TestWithTagsAddsToTheDefaultTags(t *testing.T) {
	t.Parallel()
	got := strings.Join(WithTags("queue"), " ")
	if want := "-trimpath -ldflags=-s -w -tags=lambda.norpc,queue"; got != want {
		t.Errorf("WithTags(queue) = %s, want %s", got, want)
	}
	if strings.Join(DefaultFlags, " ") != "-trimpath -ldflags=-s -w -tags=lambda.norpc" {
		t.Errorf("WithTags changed DefaultFlags: %v", DefaultFlags)
	}
}
