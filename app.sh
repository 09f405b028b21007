#!/bin/sh
# The CDK app, as cdk.json's "app" runs it: the Go program of this module,
# built once into a cache and run from there, instead of `go run .`, whose
# staleness check hashes every source file of every package the app
# imports (about 6,000 files, 0.3 s more than an empty app's) on every
# synth.
#
# The binary is keyed by a hash of every file of the module except
# node_modules, cdk.out* and .git, following symbolic links (a superset of
# the build's inputs: any Go file, go.mod, go.sum, and anything else that
# changes, rebuilds it),
# and of the Go toolchain's version and build settings (go env). Modules
# from the module cache are fixed by go.sum. One binary per checkout is
# kept, and none for a checkout that no longer exists.
#
# CDK_APP_CACHE: where the binary goes (default: the user's cache
# directory).
set -eu

root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

if command -v sha256sum >/dev/null 2>&1; then
	sum=sha256sum
else
	sum='shasum -a 256'
fi

base=${CDK_APP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cross-account-dynamodb-cdk}
cache=$base/$(printf '%s' "$root" | $sum | cut -c1-16)
# $sum is a command with its arguments, split on purpose.
# shellcheck disable=SC2086
key=$(
	{
		go env GOVERSION GOOS GOARCH GOFLAGS GOEXPERIMENT CGO_ENABLED GOAMD64 GOARM64 GOWORK GOTOOLCHAIN
		find -L . \( -path ./node_modules -o -path './cdk.out*' -o -path ./.git \) -prune \
			-o -type f -print0 | LC_ALL=C sort -z | xargs -0 $sum
	} | $sum | cut -c1-64
)

# The binary is named by its key and moved into place whole: a name that
# exists is a complete build of exactly these inputs.
bin=$cache/app-$key
if [ ! -x "$bin" ]; then
	mkdir -p "$cache"
	tmp=$(mktemp "$cache/build.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	echo "app.sh: building the app for these inputs (the first build compiles the CDK's Go bindings, about a minute)" >&2
	go build -o "$tmp" .
	mv -f "$tmp" "$bin"
	trap - EXIT
	# Keep only this build: each is about 100 MB. And forget checkouts
	# that no longer exist (a test's temporary copy, a removed worktree).
	for old in "$cache"/app-*; do
		[ "$old" = "$bin" ] || rm -f "$old"
	done
	printf '%s\n' "$root" >"$cache/root"
	for dir in "$base"/*/; do
		checkout=$(cat "$dir/root" 2>/dev/null) || continue
		[ -d "$checkout" ] || rm -rf "$dir"
	done
fi
exec "$bin" "$@"
