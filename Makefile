# incidents: build, serve and test the incident archive generator.
#
#   make run     build the bundled archive in content/ and serve it on 127.0.0.1:1313
#   make test    run every test, each fuzz target's seeds among them; installs Debian's
#                chromium for the browser tests if missing (as root or with sudo)
#   make test-short  the same without the browser tests, for a machine without Chromium
#   make fuzz    each fuzz target for 2 minutes (FUZZ_TIME=10m for longer)
#   make fuzz-short  each fuzz target for 2 s (CI runs it after make test)
#   make stress  the slow fault and load tests: SIGKILLed builds, a full disk,
#                64 clients against serve for 30 s
#   make bench   incidents build of a 10,000-report synthetic archive beside the floor
#                program, five cases: cold, after one report changed, nothing
#                changed, cold with tasks.json, after a new report was added;
#                then the output's size against the floor's and its largest
#                page (3 minutes on 2026-12-03). N=100000 for the large archive
#                (BENCH_RUNS=1 BENCH_CASES=cold,"one change","one added" took
#                11 minutes on 2026-12-03)
#   make bench-repeats  repeat detection's recall@3, precision, time and memory on
#                2,000- and 10,000-report archives of two seeds, in two styles:
#                gencorpus.py's synthetic ones and real-style ones (long uneven prose)
#   make bench-trends  time the trend figures and charts on the same archive
#   make bench-search  time the search index (cold, beside Pagefind from npm, and
#                after one change) and /api/search under 16 clients, on the same archive
#   make bench-live  the writing loop on the same archive: build with nothing changed,
#                cold (--cold) and warm, and save-to-visible latency under serve
#   make bench-import  incidents import of 1,000 wiki pages from one XML export
#   make web-deps  install the pinned HTML checkers (html-validate, axe-core) from npm
#                into .ci/web/node_modules, which the checker tests read
#   make check-html  html-validate and axe (light and dark) on every page type of
#                the bundled site and of a 2,000-report one
#
# Only Go is needed; the targets install anything else they use.

GO       ?= go
BIN      := bin/incidents
PORT     ?= 1313
SHARED   ?= ../shared
BENCH_N  ?= $(if $(N),$(N),10000)
BENCH_RUNS ?= 3
BENCH_CASES ?= cold,one change,no change,tasks.json,one added
BENCH_SEARCH_RUNS ?= 3
BENCH_LIVE_RUNS ?= 5
BENCH_LIVE_EDITS ?= 10
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.buildVersion=$(VERSION)

.PHONY: all run build test test-short fuzz fuzz-short stress bench bench-search bench-repeats bench-trends bench-live bench-import pgo lint fmt clean browser-deps web-deps check-html

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/incidents

run: build
	./$(BIN) serve --port $(PORT)

# make test compiles each package once, in one go test, and runs every
# test: the fuzz targets' seed corpora too (go test runs them as ordinary
# tests; the timed fuzzing is make fuzz and make fuzz-short). go test runs
# vet's high-confidence checks on every package it tests; the whole of
# go vet is in make lint, which CI runs first. cmd/testprogress prints a
# line as each package finishes, one at least every 30 s while it
# compiles or a test runs, every failed test's output in full, and a
# summary with the skipped and slowest tests.
#
# -pgo=off: cmd/incidents has a default.pgo, which go test would apply to
# that package's test binary, compiling every package it imports (the
# standard library included) a second time, with the profile: on a fresh
# clone, 290 s of CPU for go test instead of about 160, for tests that do
# not measure speed (the fault tests run the test binary as the command
# for the same reason; see cmd/incidents/faults_test.go). ./... holds
# every Go package, the benchmark programs in cmd/bench* and
# cmd/testprogress among them (go test skips folders whose names start
# with a dot, so none is kept in .ci/).
TEST_FLAGS ?= -count=1 -pgo=off
TEST_PKGS  ?= ./...
TESTPROGRESS = $(GO) run ./cmd/testprogress -go '$(GO)' --

test: browser-deps web-deps
	$(TESTPROGRESS) $(TEST_FLAGS) $(TEST_PKGS)

# Every fuzz target, as package:target. go test -fuzz takes one target of
# one package at a time. Inputs that fail are saved under the package's
# testdata/fuzz/TARGET/ and from then on run as part of go test. Go 1.26
# sometimes fails a target with "context deadline exceeded" when its
# -fuzztime runs out (go.dev/issue/75804, fixed in Go 1.27): without a
# failing input written, that is not counted as a failure.
FUZZ_TARGETS := \
	./generator/matter:FuzzSplit \
	./generator/matter:FuzzSimpleYAML \
	./generator/matter:FuzzParseTime \
	./generator/incident:FuzzParse \
	./generator/incident:FuzzSlugify \
	./generator/incident:FuzzBinaryRoundTrip \
	./generator/markdown:FuzzRender \
	./generator/markdown:FuzzResultRoundTrip \
	./search:FuzzSearchRequest \
	./search/static:FuzzAnalyzer \
	./generator/importer/mediawiki:FuzzReadExport \
	./generator/importer/wikitext:FuzzConvert \
	./generator/importer/wiki:FuzzConvert \
	./generator/importer/mdimport:FuzzConvert
FUZZ_TIME ?= 2m
FUZZ_SHORT_TIME ?= 2s

# fuzz-short gives each fuzz target a few seconds (CI runs it after make
# test); fuzz gives each FUZZ_TIME (2 minutes unless set). Each target is
# its own build, instrumented for coverage: a few minutes of compiling on
# a fresh clone, which is why make test leaves it out.
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZ_TIME=$(FUZZ_SHORT_TIME)

fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	n=0; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name for $(FUZZ_TIME)"; \
		if ! $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZ_TIME) $$pkg >"$$log" 2>&1; then \
			if grep -q 'context deadline exceeded' "$$log" && ! grep -q 'Failing input written' "$$log"; then \
				echo "  (Go 1.26's fuzzing coordinator reported its own deadline as a failure, go.dev/issue/75804; no input failed)"; \
			else cat "$$log"; echo "fuzz: $$n passed, 1 failed"; exit 1; fi; \
		fi; \
		n=$$((n+1)); \
	done; echo "fuzz: $$n passed, 0 failed"

# test-short is the inner loop: make test without installing Chromium and
# without the browser tests (INCIDENTS_SKIP_BROWSER=1 skips them, and the
# summary lists them as skipped), so it passes on a machine without a
# browser. make test, which CI runs, still fails when Chromium is missing.
test-short:
	INCIDENTS_SKIP_BROWSER=1 $(TESTPROGRESS) $(TEST_FLAGS) $(TEST_PKGS)

# The browser tests drive Debian's chromium through chromedp. Install it
# when missing (as root, or through sudo).
browser-deps:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || [ -n "$$INCIDENTS_CHROMIUM" ]; then \
		exit 0; \
	fi; \
	echo "Installing chromium for the browser tests..."; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else \
		echo "chromium is missing and cannot be installed without root: apt-get install chromium" >&2; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

# web-deps installs the checkers that generator/browsertest's TestCheckers
# runs on the built site, html-validate and axe-core, at the versions pinned
# in .ci/web/package-lock.json, into .ci/web/node_modules (git-ignored).
# Tests never install anything: without this folder TestCheckers fails and
# names this target. Installs Debian's nodejs and npm when npm is missing
# (as root, or through sudo); skipped when the lock file has not changed
# since the last install.
WEB_DIR := .ci/web
web-deps: $(WEB_DIR)/node_modules/.package-lock.json

$(WEB_DIR)/node_modules/.package-lock.json: $(WEB_DIR)/package.json $(WEB_DIR)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "Installing nodejs and npm for the HTML checkers..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else \
			echo "npm is missing and cannot be installed without root: apt-get install nodejs npm" >&2; exit 1; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	cd $(WEB_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# check-html runs only the checker tests: html-validate's recommended rules
# and axe-core in Chromium, light and dark (1 to 3 minutes on 2 cores; part of make test too).
check-html: web-deps browser-deps
	$(GO) test -count=1 -run '^(TestCheckers|TestAxeFinds)$$' ./generator/browsertest
	$(GO) test -count=1 ./generator/sitecheck

# stress runs the slow fault and load tests: ten SIGKILLed builds of a
# 400-report archive, the disk-full build (needs root for its tmpfs),
# 64 connections against serve for 30 s (STRESS_TIME to change it), and
# 64 connections fetching incidents.json of a 10,000-report archive for
# as long, with serve's resident memory held under 300 MB (building that
# archive takes some minutes on a slow machine).
STRESS_TIME ?= 30s
stress:
	INCIDENTS_STRESS=1 INCIDENTS_STRESS_TIME=$(STRESS_TIME) $(GO) test -count=1 -v -timeout 30m \
		-run 'TestKilledBuilds|TestServeUnderLoad|TestServeLargeFileMemory|TestDiskFull|TestSlowClients|TestPathologicalMarkdown$$' ./cmd/incidents ./generator ./generator/serve/server

# bench measures incidents build (--no-search-index: the bleve index is
# make bench-search's) beside the floor program of ../shared/bench/floor,
# in BENCH_RUNS pairs of each case, alternating which of the two runs
# first: a cold build (--cold, with a cache folder of its own), a build
# after one report's body changed (the warm cache), a build with nothing
# changed, a cold build with tasks.json and a build after a new report,
# the newest, was added (BENCH_CASES chooses). It
# prints wall time, CPU time and peak memory with the build/floor ratios,
# the cold output's bytes against the floor's and its largest HTML page,
# and the machine's cores, load average and date. The floor does its full
# work every time. N (or BENCH_N) sets the reports: make bench N=100000.
# docs/benchmarks.md says how to read it.
bench: build
	$(GO) run ./cmd/benchbuild -shared $(SHARED) -n $(BENCH_N) -runs $(BENCH_RUNS) -cases "$(BENCH_CASES)" -incidents $(BIN)

# bench-repeats prints one line per archive, labelled by its style:
# synthetic (../shared/bench/gencorpus.py) and real (cmd/benchrepeats/realstyle,
# which needs nothing outside this repository; each real archive is measured
# again without services), then the figures pooled per style. CALIBRATE=1
# also prints the source of repeats.Calibrated, what /repeats/ says a score
# is worth: paste it into generator/repeats/calibration.go.
bench-repeats:
	$(GO) run ./cmd/benchrepeats -shared $(SHARED) -n 2000,$(BENCH_N) -seeds 1,2 -style synthetic,real $(if $(CALIBRATE),-calibrate)

# bench-trends times the trend figures, /trends/, trends.json and every
# term trend on a synthetic archive of BENCH_N reports.
bench-trends:
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	python3 $(SHARED)/bench/gencorpus.py $(BENCH_N) "$$dir" >/dev/null && \
	INCIDENTS_BENCH_CORPUS="$$dir" $(GO) test ./generator/render -run '^$$' -bench Trends -benchtime 10x -count 5

# bench-search needs npm for Pagefind, which it installs into a temporary
# folder. The index step it times is built with the same PGO profile as
# bin/incidents. About ten minutes.
bench-search: build
	$(GO) run -pgo=cmd/incidents/default.pgo ./cmd/benchsearch -shared $(SHARED) -n $(BENCH_N) -runs $(BENCH_SEARCH_RUNS) -incidents $(BIN)

# bench-live times "incidents build" with nothing changed, cold (--cold,
# every cache ignored) and warm, and under "incidents serve" the time from
# saving a report to the page serving the new text, announced on the
# live-reload event stream. A few minutes.
bench-live: build
	$(GO) run ./cmd/benchlive -shared $(SHARED) -n $(BENCH_N) -runs $(BENCH_LIVE_RUNS) -edits $(BENCH_LIVE_EDITS) -incidents $(BIN)

# bench-import times "incidents import wiki" of one XML export of 1,000
# pages, made by the benchmark, into an empty archive (the issue asks for
# under 5 s; pages of about 6 KB, in the layout of real reports).
bench-import:
	$(GO) test ./cmd/incidents -run '^$$' -bench ImportWiki -benchtime 3x -count 3

# pgo refreshes cmd/incidents/default.pgo, the CPU profile that go build
# uses for profile-guided optimisation (about 5% less CPU per build), from
# two builds of a 10,000-report synthetic archive. Needs ../shared.
pgo: build
	rm -rf .pgo-work && mkdir -p .pgo-work
	python3 $(SHARED)/bench/gencorpus.py $(BENCH_N) .pgo-work/corpus >/dev/null
	./$(BIN) build -s .pgo-work/corpus -d .pgo-work/public --cache-dir .pgo-work/cache >/dev/null
	./$(BIN) build -s .pgo-work/corpus -d .pgo-work/public --cache-dir .pgo-work/cache --cpuprofile cmd/incidents/default.pgo >/dev/null
	rm -rf .pgo-work
	$(MAKE) build

# lint also vets, for other systems, the files Linux does not build:
# swap_other.go builds on macOS, flock_other.go only where there is no
# flock (Windows).
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./generator/cachedir ./generator/publish
	GOOS=windows $(GO) vet ./generator/cachedir

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin public .cache .public.* .pgo-work $(WEB_DIR)/node_modules
