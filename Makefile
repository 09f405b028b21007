# Every target here is what CI runs (.ci/run) or what the README tells you to
# type. Context overrides go in CONTEXT, e.g.
#   make synth CONTEXT='-c tableAccount=123456789012'
# Silences jsii's end-of-life banner on Node 20 (the value lists Node major versions).
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

CDK := npx --no-install cdk
CONTEXT ?=
# The cloud assembly: where synth writes, and what lint, access and verify read.
CDK_OUT ?= cdk.out
# The compliance gates, cdk-nag and aws-cdk-lib's template validation, run
# in every synth, diff and deploy (the app's default, so a plain `cdk synth`
# too), and a finding fails it. Only destroy turns them off, so that a new
# rule never blocks a teardown.
NO_CHECKS := -c checks=false
# Every production option on, for the gates that must hold with them too.
OPTIONS := -c tableEncryption=customer-managed -c organizationId=o-a1b2c3d4e5 -c alarmEmail=ops@example.com
# The default writer drained from a queue (docs/queue.md), for the template lint.
QUEUE_WRITER := -c 'writers=[{"name":"Writer","account":"222222222222","roleName":"cross-account-items-writer","source":"queue"}]'

.PHONY: help synth synth-options synth-queue test lint access local verify bench

# `make` alone: the targets, each with the comment above it.
help:
	@awk '/^$$/{c=""} /^# /{if (c=="") c=substr($$0,3); next} /^[a-z][a-z -]*:([^=]|$$)/ && c!="" {split($$0,t,":"); printf "  %-30s %s\n", t[1], c; c=""}' $(MAKEFILE_LIST)

# The pinned CDK CLI (package-lock.json).
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

# Synthesize every stack into cdk.out, through the gates, and list the templates.
# Each synth first removes the templates of the last one (a removed writer's
# would stay otherwise, and be linted and checked), not its built assets.
synth: node_modules
	@rm -f $(CDK_OUT)/*.template.json
	$(CDK) synth --quiet -o $(CDK_OUT) $(CONTEXT)
	@ls -1 $(CDK_OUT)/*.template.json

# The same app with every production option on, into cdk.out.options.
synth-options: node_modules
	@rm -f cdk.out.options/*.template.json
	$(CDK) synth --quiet $(OPTIONS) -o cdk.out.options

# The same app with its writer fed by a queue, into cdk.out.queue.
synth-queue: node_modules
	@rm -f cdk.out.queue/*.template.json
	$(CDK) synth --quiet $(QUEUE_WRITER) -o cdk.out.queue

# Every test: config, both templates, the bundler, the writer function (unit
# and end to end under the Lambda runtime emulator), the access check.
# The second line checks the queue writer's build (-tags queue) takes
# WRITER_SOURCE=queue; the end-to-end tests run that build.
test:
	go test -count=1 ./...
	go test -count=1 -tags queue -run '^TestNewHandlerReadsTheSource$$' ./runtime/writer

# Static checks on the code, the CI workflow (actionlint, pinned in go.mod)
# and the synthesized templates.
lint: synth synth-options synth-queue
	go vet ./...
	go tool actionlint
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	cfn-lint $(CDK_OUT)/*.template.json cdk.out.options/*.template.json cdk.out.queue/*.template.json

# Print who can do what on the table, from the synthesized templates; fails
# when that differs from what the configuration declares.
access: synth synth-options synth-queue
	go run ./cmd/access $(CONTEXT) $(CDK_OUT)
	go run ./cmd/access $(OPTIONS) cdk.out.options
	go run ./cmd/access $(QUEUE_WRITER) cdk.out.queue

# Profiles, one per account: PROFILE_A for the table's account, PROFILE_B
# for the writers' account, PROFILES='-profile ACCOUNT=PROFILE ...' for
# writers in other accounts. Empty: the default credentials.
PROFILE_A ?=
PROFILE_B ?=
PROFILES ?=
PROFILE_FLAGS = -profile-a='$(PROFILE_A)' -profile-b='$(PROFILE_B)' $(PROFILES)

# bootstrap, deploy, diff, destroy: the CDK CLI for every stack (every
# environment, for bootstrap) with its account's profile and CONTEXT, as
# `go run ./cmd/cdkcommands VERB` prints them; destroy's skip the gates
# (NO_CHECKS). Each command is echoed; deploy and destroy still ask before
# IAM changes and deletions. CDK_FLAGS go to every command as written, e.g.
#   make deploy PROFILE_A=a PROFILE_B=b CDK_FLAGS='--outputs-file outputs.json'
CDK_FLAGS ?=
.PHONY: bootstrap deploy diff destroy
bootstrap deploy diff destroy: node_modules
	@cmds=$$(mktemp) && go run ./cmd/cdkcommands $(PROFILE_FLAGS) $(if $(filter destroy,$@),$(NO_CHECKS)) $(CONTEXT) $@ > "$$cmds" || { rm -f "$$cmds"; exit 2; }; \
	while IFS= read -r cmd <&3; do cmd="$$cmd $(CDK_FLAGS)"; echo "+ $$cmd"; eval "$$cmd" || { rm -f "$$cmds"; exit 1; }; done 3< "$$cmds"; rm -f "$$cmds"

# Check the deployed accounts against cdk.json (plus CONTEXT) and cdk.out as
# the last synth or deploy wrote it (CDK_OUT), e.g.
#   make verify PROFILE_A=a PROFILE_B=b
# VERIFY_FLAGS=-write also proves a write through each writer function.
VERIFY_FLAGS ?=
verify:
	go run ./cmd/verify $(PROFILE_FLAGS) $(VERIFY_FLAGS) $(CONTEXT) $(CDK_OUT)

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
