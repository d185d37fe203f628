#!/usr/bin/env bash
# make load: a bounded load test of the preview server, on loopback only, that stops by itself.
#
# Builds the shipped content into a temporary folder (public/ is left alone), serves it with `briefing serve` on a free
# loopback port, runs wrk against several pages for DURATION, stops the server and prints requests/s, latency
# percentiles and errors. Installs Debian's wrk if it is missing.
#
# Environment: BIN (.build/release/briefing), DURATION (10s), CONNECTIONS (32), THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.build/release/briefing}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}

if ! command -v wrk >/dev/null; then
    echo "Installing wrk"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
fi

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$BIN" serve --host 127.0.0.1 --port 0 --output "$work/public" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do
    grep -q "^Serving " "$work/server.log" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "load: the server did not start" >&2; exit 1; }
    sleep 0.1
done
port=$(sed -n 's|^Serving .* at http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/server.log" | head -n 1)
[ -n "$port" ] || { cat "$work/server.log"; echo "load: no port in the server's output" >&2; exit 1; }

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s scripts/load.lua http://127.0.0.1:$port/  ($(nproc) cores)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/load.lua "http://127.0.0.1:$port/"

start=$(date +%s%N)
kill -TERM "$server"
wait "$server" && status=0 || status=$?
server=""
echo "server stopped with status $status in $(( ($(date +%s%N) - start) / 1000000 )) ms"
[ "$status" -eq 0 ]
