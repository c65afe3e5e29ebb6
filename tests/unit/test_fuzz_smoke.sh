#!/bin/sh
# timeout: 300
#
# test_fuzz_smoke.sh: CI's short fuzzing run (issue 7 section 2).
#
# Builds every tests/fuzz/fuzz_*.c with clang (-fsanitize=fuzzer,address,
# undefined; see tests/fuzz/fuzz.mk) and runs each one briefly from its
# seeds alone: 5 seconds, or less when there are many targets, so the fuzzing
# stays under 30 seconds in all. One TAP line per target; a crash, leak or timeout is a failure and
# its reproducer is named. Skipped when clang or libFuzzer is missing, and in
# the sanitizer run (the targets run under ASan+UBSan already).
# `make fuzz FUZZ_SECONDS=N` is the long run.
set -u
cd "${ORGTOP_ROOT:-$(dirname "$0")/../..}" || exit 1

skip() {
	echo "1..1"
	echo "ok 1 - fuzz smoke # SKIP $1"
	exit 0
}

[ "${ORGTOP_SANITIZER:-0}" = "1" ] && skip "the fuzz targets already run under ASan+UBSan in the plain suite"
command -v clang >/dev/null 2>&1 || skip "clang is not installed (make deps installs it)"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' \
	>"$tmp/probe.c"
clang -fsanitize=fuzzer,address,undefined "$tmp/probe.c" -o "$tmp/probe" >/dev/null 2>&1 ||
	skip "clang cannot build libFuzzer targets (install libclang-rt-14-dev)"

fuzz_build="${ORGTOP_BUILD:-build}/fuzz"
t0=$(date +%s)
if ! make --no-print-directory -f tests/fuzz/fuzz.mk -j2 FUZZ_BUILD="$fuzz_build" build \
	>"$tmp/build.log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - building the fuzz targets (make -f tests/fuzz/fuzz.mk build)"
	tail -n 30 "$tmp/build.log" | sed 's/^/# /'
	exit 1
fi
echo "# built in $(($(date +%s) - t0)) s"

targets=$(ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/||; s|\.c$||')
n=$(echo "$targets" | wc -w)
secs=$((30 / n))
[ "$secs" -gt 5 ] && secs=5
[ "$secs" -lt 1 ] && secs=1
# shellcheck disable=SC2086
tests/fuzz/run.sh --tap --fresh "$fuzz_build" "$secs" $targets
