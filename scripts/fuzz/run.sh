#!/bin/sh
# `make fuzz`: builds the fuzz targets with libFuzzer and AddressSanitizer into their own scratch folder, then runs
# each for a bounded time. Exits non-zero if any target crashed, failed a check, leaked, ran out of memory or timed out;
# the input that did it is kept in $FUZZ_SCRATCH/crashes/TARGET/ and can be replayed with the fuzz binary.
#
#   FUZZ_SECONDS  seconds per target (default 60)
#   FUZZ_TARGETS  which targets (default: FuzzFrontMatter FuzzMarkdown FuzzRequestPath)
#   FUZZ_SCRATCH  build folder (default .build-fuzz); the growing corpus is kept in it between runs
#   FUZZ_ARGS     more libFuzzer options, e.g. "-jobs=2" or "-seed=1"
set -u
cd "$(dirname "$0")/../.."

SWIFT=${SWIFT:-swift}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-FuzzFrontMatter FuzzMarkdown FuzzRequestPath}
EXTRA=${FUZZ_ARGS:-}

# -sanitize=fuzzer instruments the Swift code for coverage; -fsanitize=fuzzer-no-link does the same for C targets
# (Yams's libyaml). FUZZING switches the targets' main from replaying files to libFuzzer's driver.
FLAGS="-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xcc -fsanitize=fuzzer-no-link,address"

# The Swift runtime's own crash handler would race AddressSanitizer's and libFuzzer's reports.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

for target in $TARGETS; do
    echo "== building $target"
    # Only this target, for the whole package would link `briefing` against libFuzzer too.
    # shellcheck disable=SC2086
    "$SWIFT" build --force-resolved-versions --scratch-path "$SCRATCH" $FLAGS --product "$target" 2>&1 | grep -v "Cannot export local symbol" || true
    if [ ! -x "$SCRATCH/debug/$target" ]; then
        echo "fuzz: building $target failed" >&2
        exit 2
    fi
done

# Input size and time limits per target. cmark-gfm 0.29 (Debian bookworm) is quadratic or worse on some shapes
# (see SECURITY.md); 4 KB keeps those well under the 10 s timeout, so a Markdown timeout is still worth a look.
settings() {
    case "$1" in
        FuzzFrontMatter) echo "-max_len=8192 -timeout=10 -dict=scripts/fuzz/yaml.dict|scripts/fuzz/seeds/front-matter content" ;;
        FuzzMarkdown) echo "-max_len=4096 -timeout=10 -dict=scripts/fuzz/markdown.dict|scripts/fuzz/seeds/markdown content" ;;
        FuzzRequestPath) echo "-max_len=4096 -timeout=5 -dict=scripts/fuzz/request-path.dict|scripts/fuzz/seeds/request-path" ;;
        *) echo "fuzz: unknown target $1" >&2; exit 2 ;;
    esac
}

failed=""
summary=""
for target in $TARGETS; do
    line=$(settings "$target")
    options=${line%%|*}
    seeds=${line#*|}
    corpus="$SCRATCH/corpus/$target"
    # Not artifacts/: SwiftPM owns that folder of its scratch path and empties it on every build.
    artifacts="$SCRATCH/crashes/$target"
    log="$SCRATCH/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    echo "== fuzzing $target for $SECONDS_EACH s (log: $log)"
    # shellcheck disable=SC2086
    "$SCRATCH/debug/$target" "$corpus" $seeds $options -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" $EXTRA >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    corpus_size=$(find "$corpus" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        result="clean"
    else
        result="FAILED (exit $status)"
        failed="$failed $target"
        grep -E "^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*fuzz check failed|ALARM|artifact_prefix|Test unit written)" "$log" | head -n 20 >&2
    fi
    summary="$summary
$target: $result, ${runs:-?} runs, ${speed:-?} exec/s, corpus $corpus_size inputs"
done

echo "== fuzz summary ($SECONDS_EACH s each)$summary"
if [ -n "$failed" ]; then
    echo "fuzz: failures in$failed; inputs in $SCRATCH/crashes/, logs in $SCRATCH/logs/" >&2
    exit 1
fi
