# govrrpd — build, test and measure.
GO        ?= go
BIN       := bin/govrrpd
PKGS      := ./...
FUZZTIME  ?= 30s
PREFIX    ?= /usr/local
STATICCHECK_VERSION ?= v0.8.2

# The binaries are built static, without cgo, as tools/mkdeb builds the
# package: what is tested and measured is what ships (with cgo the daemon
# maps libc and ld.so besides, resident in every daemon; docs/scale.md,
# "Idle RSS").
build: export CGO_ENABLED = 0

.PHONY: all build test test-unit bench fuzz demo lint install clean man deb deb-check bench-go reliability reliability-short soak

all: build

# govrrpd and its helpers, every command under cmd/, side by side in bin/
# where govrrpd finds them (internal/helperbin): govrrpd-bgp runs only for
# --bgp-config; govrrpd-ops carries out status, plan, ctl and genhash and
# serves the API, console and /metrics.
build:
	$(GO) build -o bin/ ./cmd/...

# The helpers make install puts in $(PREFIX)/libexec/govrrpd: every
# cmd/govrrpd-*, so that a new helper needs no line of its own here.
HELPERS   := $(notdir $(wildcard cmd/govrrpd-*))

# The README's test command: unit tests, conformance corpus, and the
# namespace-lab integration tests (which skip with a message when not root).
# Timing-sensitive groups (the qemu VM, the namespace lab) run one package at
# a time, after the unit tests, so that none of them measures another's load.
SERIAL    := ./test/kernel ./test/lab ./tools/demo
test: build
	$(GO) vet $(PKGS)
	GOVRRPD_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 15m $$($(GO) list $(PKGS) | grep -v -e /test/lab -e /test/kernel -e /tools/demo)
	GOVRRPD_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -p 1 -timeout 30m $(SERIAL)

test-unit:
	$(GO) test -short -count=1 $(PKGS)

# The reliability suite (issue #16; root, skips otherwise): hostile input
# and faults in a namespace lab, govrrpd beside keepalived. Each case prints
# a RESULT line with its figure and pass/MISS. The long form takes about
# 30 minutes; the short form (each flood 5 s, loss 15 s, 3 partitions)
# about 10, too long for `make test` (which runs only the suite's unit
# tests), so CI runs it after.
RELIABILITY_OUT ?= reliability-results.tsv
reliability: build
	GOVRRPD_BIN=$(CURDIR)/$(BIN) GOVRRPD_RELIABILITY=long GOVRRPD_RELIABILITY_OUT=$(CURDIR)/$(RELIABILITY_OUT) \
		$(GO) test -count=1 -p 1 -v -timeout 90m ./test/reliability

reliability-short: build
	GOVRRPD_BIN=$(CURDIR)/$(BIN) GOVRRPD_RELIABILITY=short GOVRRPD_RELIABILITY_OUT=$(CURDIR)/$(RELIABILITY_OUT) \
		$(GO) test -count=1 -p 1 -v -timeout 30m ./test/reliability

# Three routers at VRRPv3 10 ms adverts under 5,000 TCP connections/s.
SOAK ?= 10m
soak: build
	GOVRRPD_BIN=$(CURDIR)/$(BIN) GOVRRPD_SOAK=$(SOAK) $(GO) test -count=1 -v -timeout 30m -run '^TestSoak' ./test/reliability

# docs/benchmarks.md: every side-by-side benchmark against keepalived, one
# row each with both figures, ratio, target and pass/miss, and the plots
# (tools/benchreport). ROWS=conftest,idle-rss runs a subset (names:
# failover conftest ipvs check idle-rss scale metrics console reliability reload bgp-flows).
ROWS      ?=
bench: build
	$(GO) run ./tools/benchreport -govrrpd $(CURDIR)/$(BIN) -rows "$(ROWS)" -o docs/benchmarks.md

# The Go micro-benchmarks of every package.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Every fuzz target, FUZZTIME each; tools/fuzz.sh retries a target once on
# Go 1.26's fuzz-coordinator deadline race (golang/go#75804), never on a
# real finding.
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) tools/fuzz.sh

demo: build
	@if [ -x demo/run.sh ]; then GOVRRPD_BIN=$(CURDIR)/$(BIN) demo/run.sh; \
	else ./$(BIN) -t -f examples/keepalived.conf; fi

lint:
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

# govrrpd(8) from the flag set, govrrpd.conf(5) from the keyword table.
MANDATE   ?= $(shell git log -1 --format=%cs 2>/dev/null || date -u +%F)
man: build
	mkdir -p bin/man
	./$(BIN) man --section 8 --date $(MANDATE) > bin/man/govrrpd.8
	./$(BIN) man --section 5 --date $(MANDATE) --keywords docs/keywords.md > bin/man/govrrpd.conf.5

# The Debian package (tools/mkdeb, nfpm as a library): bin/govrrpd_VERSION_ARCH.deb.
deb:
	$(GO) run ./tools/mkdeb -o bin

# Install it on this machine, check the unit, run its ExecStart in a
# namespace, remove and purge it (root; leaves the package uninstalled).
deb-check:
	test/pkg/check.sh "$$($(GO) run ./tools/mkdeb -o bin)"

install: build man
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/govrrpd
	for h in $(HELPERS); do install -D -m 0755 bin/$$h $(DESTDIR)$(PREFIX)/libexec/govrrpd/$$h || exit 1; done
	install -D -m 0644 bin/man/govrrpd.8 $(DESTDIR)$(PREFIX)/share/man/man8/govrrpd.8
	install -D -m 0644 bin/man/govrrpd.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/govrrpd.conf.5

clean:
	rm -rf bin
