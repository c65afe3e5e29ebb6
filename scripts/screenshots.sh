#!/bin/sh
# Captures the screens shown in README.md from the real program: orgtop in
# tmux against awsim's sample organization (fixed seed, no live changes).
# Writes docs/screens/*.txt.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/docs/screens"
SOCK="orgtop-shots-$$"
tmp=$(mktemp -d)
mkdir -p "$OUT"
awsim_pid=""
cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	[ -n "$awsim_pid" ] && kill "$awsim_pid" 2>/dev/null || true
	sleep 0.5
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$ROOT/$BUILD/awsim" --listen 127.0.0.1:0 --seed 7 --die-with-parent >"$tmp/env" 2>/dev/null &
awsim_pid=$!
i=0
until grep -q '^# ready' "$tmp/env" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { echo "awsim did not start" >&2; exit 1; }
	sleep 0.1
done
grep '^export' "$tmp/env" >"$tmp/env.sh"

shot() { # name
	tmux -L "$SOCK" capture-pane -t shots -p >"$OUT/$1.txt"
	echo "wrote docs/screens/$1.txt"
}
wait_done() {
	i=0
	until tmux -L "$SOCK" capture-pane -t shots -p | grep -q ' done '; do
		i=$((i + 1)); [ $i -gt 300 ] && { echo "no complete refresh" >&2; exit 1; }
		sleep 0.2
	done
	sleep 1
}
run() { # cols rows env...
	cols=$1 rows=$2
	shift 2
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	sleep 0.5
	tmux -L "$SOCK" -f /dev/null new-session -d -s shots -x "$cols" -y "$rows" \
		"cd $tmp && . ./env.sh && env XDG_CACHE_HOME=$tmp/cache $* $ROOT/$BUILD/orgtop; sleep 30"
	wait_done
}

run 160 44 LANG=C.UTF-8
shot grid
key() {
	tmux -L "$SOCK" send-keys -t shots "$@"
	sleep 0.6
}
key 2
shot grid-guardduty
key 0
key / 'de- sev>=7' Enter
shot grid-filter
key Escape
key g
key j
key Enter
sleep 2
shot account-compliance
key Tab
shot account-findings
key Tab
shot account-budgets
run 100 30 LANG=C
shot grid-ascii-80
