.PHONY: local access

# Run the writer function on this machine: moto_server + the Lambda runtime
# emulator, one invocation with the seed's event, then stop everything.
local:
	go run ./cmd/local

# Synthesize the app and print who can do what on the table; fails when the
# access differs from what the configuration declares. Pass the same context
# overrides to both: make access CONTEXT='-c tableName=orders'.
access:
	npx cdk synth --quiet $(CONTEXT)
	JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 go run ./cmd/access $(CONTEXT) cdk.out
