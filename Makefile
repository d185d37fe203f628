# Entry points: `make` sets up and builds the site into public/; `make test` runs every test.
# Whatever the machine lacks is installed here, so a clean Debian machine with Swift needs nothing by hand.

SWIFT ?= swift
APT_PACKAGES := pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_BIN := .build/release/briefing

.PHONY: all site deps build test clean

all: site

# cmark-gfm's core-extensions header ships only with the -extensions package, so check for both.
deps:
	@if ! pkg-config --exists libcmark-gfm 2>/dev/null || [ ! -f /usr/include/cmark-gfm-core-extensions.h ]; then \
		echo "Installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build -c release --product briefing

site: build
	$(RELEASE_BIN) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build public
