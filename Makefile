# callgate — see README.md.
GO        ?= go
PKGS      ?= ./...
BIN       ?= bin/callgate
FUZZTIME  ?= 60s
BENCHTIME ?= 1s

.PHONY: all run build test test-short lint vet fmt bench fuzz integration gen clean prompts

all: build

## run: the server with the bundled demo config and the embedded store
run: build
	$(BIN) serve

## build: the callgate binary
build:
	$(GO) build -o $(BIN) ./cmd/callgate

## test: every test, real peers (SIPp, redis-server) included, with the race detector
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 8m $(PKGS)

## test-short: unit tests only
test-short:
	$(GO) test -short -count=1 $(PKGS)

## integration: the real-peer tests only
integration:
	$(GO) test -race -count=1 -run 'SIPp|Sipp|Peer|Integration' -timeout 8m $(PKGS)

## lint: formatting and vet
lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

## bench: the hot-path benchmarks
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./media/... ./sip/...

## fuzz: each fuzz target for FUZZTIME
fuzz:
	@for t in $$(grep -rhoE '^func (Fuzz[A-Za-z0-9_]+)' --include='*_test.go' . | sed 's/func //' | sort -u); do \
	  pkg=$$(grep -rlE "^func $$t\(" --include='*_test.go' . | head -1 | xargs dirname); \
	  echo "== $$t in $$pkg"; \
	  $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg || exit 1; \
	done

## prompts: re-render the bundled prompts (needs espeak-ng and sox)
prompts:
	bash ivr/prompts/render.sh

gen:
	$(GO) generate $(PKGS)

clean:
	rm -rf bin
