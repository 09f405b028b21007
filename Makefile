# Every target here is what CI runs (.ci/run) or what the README tells you to
# type. Context overrides go in CONTEXT, e.g.
#   make synth CONTEXT='-c tableAccount=123456789012'
# Silences jsii's end-of-life banner on Node 20 (the value lists Node major versions).
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

CDK := npx --no-install cdk
CONTEXT ?=

.PHONY: synth test lint access local bench

# The pinned CDK CLI (package-lock.json).
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

# Synthesize every stack into cdk.out and list the templates.
synth: node_modules
	$(CDK) synth --quiet $(CONTEXT)
	@ls -1 cdk.out/*.template.json

# Every test: config, both templates, the bundler, the writer function (unit
# and end to end under the Lambda runtime emulator), the access check.
test:
	go test -count=1 ./...

# Static checks on the code and on the synthesized templates.
lint: synth
	go vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	cfn-lint cdk.out/*.template.json

# Print who can do what on the table, from the synthesized templates; fails
# when that differs from what the configuration declares.
access: synth
	go run ./cmd/access $(CONTEXT) cdk.out

# Run the writer function on this machine: moto_server + the Lambda runtime
# emulator, one invocation with the seed's event, then stop everything.
local:
	go run ./cmd/local

# Measure the function and the app beside their floors (a hello-world Go
# Lambda, an empty Go CDK app), alternating in one run, and print the table
# of BENCHMARKS.md. ROUNDS paired runs per comparison; takes minutes.
ROUNDS ?= 5
bench: node_modules
	go run ./cmd/bench -rounds $(ROUNDS)
