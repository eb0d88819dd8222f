# iamd — build and test.
GO ?= go

.PHONY: test build vet generate fuzz bench e2e

# The whole test suite: formatting, vet, unit and integration tests with the
# race detector, and the end-to-end tests of the built binary with the AWS
# CLI and boto3.
test: vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) test -race -count=1 -timeout 15m ./...

build:
	$(GO) build -o bin/iamd ./cmd/iamd

vet:
	$(GO) vet ./...

# Regenerate the typed wire shapes from botocore's models.
generate:
	$(GO) generate ./internal/wire

# Short fuzzing runs of every fuzz target.
fuzz:
	$(GO) test ./internal/wire -run '^$$' -fuzz FuzzDecode -fuzztime 30s
	$(GO) test ./internal/auth/sigv4 -run '^$$' -fuzz FuzzParseAuthorization -fuzztime 30s
	$(GO) test ./internal/auth/sigv4 -run '^$$' -fuzz FuzzVerify -fuzztime 30s
	$(GO) test ./internal/policy -run '^$$' -fuzz FuzzParse -fuzztime 30s
	$(GO) test ./internal/policy -run '^$$' -fuzz FuzzEvaluate -fuzztime 30s
	$(GO) test ./internal/server -run '^$$' -fuzz FuzzQueryAPI -fuzztime 30s

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
