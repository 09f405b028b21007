.PHONY: local

# Run the writer function on this machine: moto_server + the Lambda runtime
# emulator, one invocation with the seed's event, then stop everything.
local:
	go run ./cmd/local
