#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (scratch folder .build-fuzz) and runs each from its seed
# corpus in Fuzz/Corpus/<target>/. Prints each target's executions; exits non-zero if any target
# crashed, leaked or hung, keeping the input in Fuzz/Crashes/ (and printing it in base64).
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]       each target for SECONDS (default 60)
#   bash scripts/fuzz.sh --within TOTAL [TARGET...]  build, then share what is left of TOTAL seconds (at least 15 s each)
#   bash scripts/fuzz.sh --replay FILE...            every target once on each FILE (a crash's input)
# More libFuzzer flags may be given in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-seed=1); later flags win.
# Targets: JSONParser SegmentNormalizer TemplateEngine ConditionEngine.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

all_targets=(JSONParser SegmentNormalizer TemplateEngine ConditionEngine)
# Swift's own crash handler reads memory that AddressSanitizer reports: let libFuzzer report.
export SWIFT_BACKTRACE=enable=no

mode=seconds
case "${1:-}" in
    --replay) mode=replay; shift ;;
    --within) mode=within; total=$2; shift 2 ;;
    '') ;;
    *) seconds=$1; shift ;;
esac

build=(swift build --package-path Fuzz --scratch-path .build-fuzz -c release --sanitize=fuzzer --sanitize=address)
"${build[@]}" </dev/null
bin=$("${build[@]}" --show-bin-path </dev/null)

if [ "$mode" = replay ]; then
    for target in "${all_targets[@]}"; do "$bin/Fuzz$target" -runs=1 "$@" </dev/null; done
    exit 0
fi

targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all_targets[@]}")
if [ "$mode" = within ]; then
    seconds=$(((total - ($(date +%s) - started)) / ${#targets[@]}))
    [ "$seconds" -ge 15 ] || seconds=15
fi
seconds=${seconds:-60}
echo "fuzz: built in $(($(date +%s) - started)) s; ${seconds} s for each of ${targets[*]}"

mkdir -p Fuzz/Crashes
work=$(mktemp -d /tmp/switchboard-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=()
for target in "${targets[@]}"; do
    # New inputs go to a scratch corpus; the committed seeds are only read.
    mkdir -p "$work/$target"
    dictionary=()
    [ -f "Fuzz/Dictionaries/$target.dict" ] && dictionary=(-dict="Fuzz/Dictionaries/$target.dict")
    log="$work/$target.log"
    status=0
    target_started=$(date +%s)
    # A hung input (-timeout) or runaway memory (-rss_limit_mb) fails like a crash.
    "$bin/Fuzz$target" "$work/$target" "Fuzz/Corpus/$target" "${dictionary[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="Fuzz/Crashes/$target-" ${FUZZ_FLAGS:-} </dev/null >"$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "fuzz $target: ${executions:-?} executions in $(($(date +%s) - target_started)) s, exit $status"
    # No statistics means the binary never fuzzed (a build without libFuzzer's main): a failure too.
    if [ "$status" -ne 0 ] || [ -z "$executions" ]; then
        failed+=("$target")
        grep -v -e '^"' -e '^#' -e '^INFO:' "$log" | tail -60
        for artifact in $(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log"); do
            # CI's clone is thrown away: the input is printed too.
            echo "crashing input kept in $artifact (base64: $(base64 -w0 "$artifact"))"
        done
    fi
done
echo "fuzz: done in $(($(date +%s) - started)) s"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: ${failed[*]} crashed; replay with: bash scripts/fuzz.sh --replay Fuzz/Crashes/<file>"
    exit 1
fi
