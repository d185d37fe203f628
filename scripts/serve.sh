#!/usr/bin/env bash
# make serve: the preview server, recompiled and restarted whenever a Swift template changes.
#
# `briefing serve --exit-on-template-change` exits with status 75 when a .swift file under templates/ changes. This
# loop then recompiles and starts it again; open pages reconnect and reload by themselves. If the templates do not
# compile, the compiler's errors are printed and the previous binary serves on until the next save of a template.
#
# Environment: SWIFT (swift), SCRATCH (.build), CONFIG (debug: after a template edit a debug build takes seconds, a
# release build about a minute on two cores). Arguments go to `briefing serve` (make serve ARGS="--port 8080 --open");
# --open applies to the first start only.
set -u
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SCRATCH=${SCRATCH:-.build}
CONFIG=${CONFIG:-debug}
BIN="$SCRATCH/$CONFIG/briefing"
RESTART=75

# Ctrl-C reaches the server too (same process group); it stops gracefully, then this ends instead of looping.
trap 'exit 130' INT
trap 'exit 143' TERM

# A release build takes the flags `make` uses (the Makefile's RELEASE_FLAGS), so the two never rebuild each other's work.
EXTRA_FLAGS=""
[ "$CONFIG" = release ] && EXTRA_FLAGS="--static-swift-stdlib"

compile() {
    "$SWIFT" build --force-resolved-versions -c "$CONFIG" $EXTRA_FLAGS --scratch-path "$SCRATCH" --product briefing 2>&1 | grep -v "unhandled; explicitly declare them"
    return "${PIPESTATUS[0]}"
}

# Waits until a .swift file under templates/ is newer than when this was called.
wait_for_template_change() {
    local stamp
    stamp=$(mktemp)
    until [ -n "$(find templates -name '*.swift' -newer "$stamp" -print -quit)" ]; do sleep 0.5; done
    rm -f "$stamp"
}

args=("$@")
later_args=()
for arg in "$@"; do [ "$arg" = "--open" ] || later_args+=("$arg"); done

until compile; do
    if [ -x "$BIN" ]; then
        echo "serve: the generator does not compile (errors above); serving with the previous build meanwhile." >&2
        break
    fi
    echo "serve: the generator does not compile (errors above); save a fix and it is tried again." >&2
    wait_for_template_change
done

while true; do
    "$BIN" serve --exit-on-template-change ${args[@]+"${args[@]}"}
    status=$?
    [ "$status" -eq "$RESTART" ] || exit "$status"
    args=(${later_args[@]+"${later_args[@]}"})
    echo "serve: a template changed; recompiling…"
    if ! compile; then
        echo "serve: the templates do not compile (errors above); serving with the previous build until the next save." >&2
    fi
done
