#!/usr/bin/env bash
# make load: a bounded load test of the preview server, on loopback only, that stops by itself.
#
# Builds the shipped content into a temporary folder (public/ is left alone), serves it with `briefing serve` on a free
# loopback port, runs wrk against several pages for DURATION, stops the server and prints requests/s, latency
# percentiles and errors. Installs Debian's wrk (and, for faults, curl and python3) if missing.
#
# `scripts/load.sh faults` (make load-faults) serves a copy of content/ and templates/assets/ (with an 8 MB file added
# to the assets) and, for FAULT_DURATION, runs wrk with FAULT_CONNECTIONS connections while scripts/faults.py adds
# slowloris clients, clients that leave mid-download, 1 MB headers, a rebuild every half second and a browser-like
# GET / every quarter second. It prints wrk's numbers (with a check that every HTML page came back whole), what each
# fault got, and the server's resident memory before, at its peak and after. Fails if any check fails.
#
# Environment: BIN (.build/release/briefing), DURATION (10s), CONNECTIONS (32), THREADS (2); for faults also
# FAULT_DURATION (20, seconds: longer than the server's 15 s idle timeout, so slow clients are seen cut off) and
# FAULT_CONNECTIONS (1000).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.build/release/briefing}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
FAULT_DURATION=${FAULT_DURATION:-20}
FAULT_CONNECTIONS=${FAULT_CONNECTIONS:-1000}
MODE=${1:-load}

missing=""
command -v wrk >/dev/null || missing="$missing wrk"
if [ "$MODE" = faults ]; then
    command -v curl >/dev/null || missing="$missing curl"
    command -v python3 >/dev/null || missing="$missing python3"
fi
if [ -n "$missing" ]; then
    echo "Installing$missing"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
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

serve=(--output "$work/public")
if [ "$MODE" = faults ]; then
    # A copy, since the rebuild loop writes to the content; and a large asset for the clients that leave mid-download.
    mkdir -p "$work/src"
    cp -R content "$work/src/content"
    cp -R templates/assets "$work/src/assets"
    head -c $((8 * 1024 * 1024)) /dev/urandom >"$work/src/assets/big.bin"
    serve+=(--content "$work/src/content" --assets "$work/src/assets")
    # wrk's connections, the slow clients and the server's own descriptors, all on this machine.
    needed=$((FAULT_CONNECTIONS + 600))
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$needed" ]; then
        ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
        if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$needed" ]; then
            FAULT_CONNECTIONS=$(( $(ulimit -n) - 600 ))
            echo "load: only $(ulimit -n) open files allowed (ulimit -Hn); using $FAULT_CONNECTIONS connections" >&2
        fi
    fi
fi

"$BIN" serve --host 127.0.0.1 --port 0 "${serve[@]}" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do
    grep -q "^Serving " "$work/server.log" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "load: the server did not start" >&2; exit 1; }
    sleep 0.1
done
port=$(sed -n 's|^Serving .* at http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/server.log" | head -n 1)
[ -n "$port" ] || { cat "$work/server.log"; echo "load: no port in the server's output" >&2; exit 1; }

# Resident memory of the server in MB: now (VmRSS) or its peak so far (VmHWM).
memory() {
    awk -v field="$1:" '$1 == field { printf "%.1f MB", $2 / 1024 }' "/proc/$server/status"
}

if [ "$MODE" = faults ]; then
    curl -s -o /dev/null -o /dev/null "http://127.0.0.1:$port/" "http://127.0.0.1:$port/assets/big.bin"
    before=$(memory VmRSS)
    echo "faults for ${FAULT_DURATION} s: wrk -t$THREADS -c$FAULT_CONNECTIONS -d${FAULT_DURATION}s --timeout 10s --latency -s scripts/faults.lua, with" \
        "python3 scripts/faults.py  ($(nproc) cores, ulimit -n $(ulimit -n))"
    python3 scripts/faults.py --port "$port" --duration "$FAULT_DURATION" --content "$work/src/content" >"$work/faults.log" 2>&1 &
    faults=$!
    wrk -t"$THREADS" -c"$FAULT_CONNECTIONS" -d"${FAULT_DURATION}s" --timeout 10s --latency -s scripts/faults.lua \
        "http://127.0.0.1:$port/" | tee "$work/wrk.log"
    wait "$faults" && faults_status=0 || faults_status=$?
    echo
    cat "$work/faults.log"
    # Once the last slow client is gone, the server should be back where it started.
    sleep 1
    echo "server RSS:  $before before, $(memory VmHWM) at the peak, $(memory VmRSS) after"
    after=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/")
    echo "afterwards:  GET / -> $after"
    grep -q "^pages: .*, 0 not whole" "$work/wrk.log" && grep -q "non-2xx 0$" "$work/wrk.log" \
        && [ "$faults_status" -eq 0 ] && [ "$after" = 200 ] || { echo "load: a fault check failed" >&2; checks=1; }
else
    echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s scripts/load.lua http://127.0.0.1:$port/  ($(nproc) cores)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/load.lua "http://127.0.0.1:$port/"
fi

start=$(date +%s%N)
kill -TERM "$server"
wait "$server" && status=0 || status=$?
server=""
echo "server stopped with status $status in $(( ($(date +%s%N) - start) / 1000000 )) ms"
[ "$status" -eq 0 ] && [ -z "${checks:-}" ]
