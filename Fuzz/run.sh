#!/bin/sh
# Fuzz/run.sh [SECONDS_PER_TARGET]: builds the libFuzzer targets (with
# AddressSanitizer) and runs each for a bounded time, starting from its
# seed corpus in Fuzz/corpus/TARGET. Any crash, leak, timeout or broken
# invariant fails the run; libFuzzer's reproducer is left in
# .build/fuzz/artifacts (rerun it with: .build/fuzz/debug/TARGET FILE).
# New inputs libFuzzer finds go to .build/fuzz/corpus, never into the repo.
set -eu
cd "$(dirname "$0")"
seconds=${1:-12}
. ../packaging/swift-toolchain.sh && use_swift_toolchain

scratch="$PWD/../.build/fuzz"
echo "== building fuzz targets (-sanitize=fuzzer,address)"
log=$(mktemp)
if ! swift build --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address >"$log" 2>&1; then
    grep -v "Cannot export local symbol" "$log" >&2
    rm -f "$log"
    echo "fuzz build failed" >&2
    exit 1
fi
rm -f "$log"

# The Swift runtime's own crash handler fights ASan's; libFuzzer reports.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
mkdir -p "$scratch/artifacts"
failed=""
for target in FuzzOptions FuzzIdSpec FuzzEnvFile FuzzShadowEntry FuzzPromptText FuzzEnvironment FuzzLogLine; do
    work="$scratch/corpus/$target"
    mkdir -p "$work"
    log="$scratch/$target.log"
    echo "== $target: ${seconds}s from $(ls corpus/$target | wc -l) seeds"
    if "$scratch/debug/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$target-" \
        "$work" "corpus/$target" >"$log" 2>&1; then
        grep -E "^stat::number_of_executed_units|^Done" "$log" | tr '\n' ' '
        echo
    else
        echo "!! $target FAILED:" >&2
        grep -E "invariant broken|ERROR|SUMMARY|Test unit written" "$log" >&2 || tail -20 "$log" >&2
        failed="$failed $target"
    fi
done
if [ -n "$failed" ]; then
    echo "!! fuzzing found problems in:$failed" >&2
    exit 1
fi
echo "== fuzzing: no crash, no broken invariant"
