#!/bin/sh
# tests/fuzz/run.sh [--tap] [--fresh] BUILD SECONDS TARGET...: runs built libFuzzer targets.
#
# Seeds each target's corpus ($BUILD/corpus/TARGET, which grows from run to
# run; with --fresh an empty $BUILD/smoke/TARGET, so a short run takes the
# same time whatever came before) from the paths its source names in a
# "// seeds:" line, runs it for SECONDS, and prints one line per
# target (TAP lines with --tap) and, without --tap, a summary. Exit status 1
# if any target crashed, leaked, timed out or could not run.
set -u

tap=0
fresh=0
while :; do
	case "${1:-}" in
	--tap) tap=1 ;;
	--fresh) fresh=1 ;;
	*) break ;;
	esac
	shift
done
if [ $# -lt 2 ]; then
	echo "usage: $0 [--tap] [--fresh] BUILD SECONDS TARGET..." >&2
	exit 2
fi
build=$1
secs=$2
shift 2

mkdir -p "$build/corpus" "$build/artifacts" "$build/logs"
[ $tap -eq 1 ] && echo "1..$#"

seed() { # seed TARGET CORPUS_DIR
	paths=$(sed -n 's|^[[:space:]]*//[[:space:]]*seeds:[[:space:]]*||p' "tests/fuzz/$1.c" | head -1)
	for p in $paths; do
		if [ ! -e "$p" ]; then
			echo "fuzz: $1: seed path $p does not exist (tests/fuzz/$1.c)" >&2
			continue
		fi
		find "$p" -type f | while IFS= read -r f; do
			name="seed-$(printf '%s' "$f" | tr -c 'A-Za-z0-9._-' '_')"
			[ -e "$2/$name" ] || cp "$f" "$2/$name"
		done
	done
}

n=0
bad=0
total_runs=0
summary=""
for t in "$@"; do
	n=$((n + 1))
	bin="$build/$t"
	corpus="$build/corpus/$t"
	if [ $fresh -eq 1 ]; then
		corpus="$build/smoke/$t"
		rm -rf "$corpus"
	fi
	log="$build/logs/$t.log"
	mkdir -p "$corpus"
	seed "$t" "$corpus"
	if [ ! -x "$bin" ]; then
		status="not built"
		rc=1
	else
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
			"$corpus" >"$log" 2>&1 </dev/null
		rc=$?
		status="ok"
		[ $rc -ne 0 ] && status="FAILED (exit $rc)"
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" 2>/dev/null | tail -1)
	runs=${runs:-0}
	files=$(find "$corpus" -type f | wc -l)
	total_runs=$((total_runs + runs))
	line=$(printf '%-28s %-18s %10s runs %6s corpus files' "$t" "$status" "$runs" "$files")
	summary="$summary
$line"
	if [ $rc -ne 0 ]; then
		bad=$((bad + 1))
		if [ $tap -eq 1 ]; then
			echo "not ok $n - $t: $status after $runs runs (log $log)"
		else
			echo "fuzz: $t $status; log $log"
		fi
		tail -n 40 "$log" 2>/dev/null | sed 's/^/# /'
		ls "$build/artifacts/$t-"* 2>/dev/null | sed 's/^/# reproducer: /'
	elif [ $tap -eq 1 ]; then
		echo "ok $n - $t: $runs runs in ${secs}s, corpus $files files"
	fi
done

if [ $tap -eq 0 ]; then
	echo
	echo "fuzz summary (${secs}s per target):$summary"
	echo "$n targets, $total_runs inputs tried, $bad failed"
fi
[ $bad -eq 0 ]
