#!/bin/sh
# make demo: start awsim with the sample international organization, live
# changes and a little latency, write a throwaway AWS profile for it, run the
# dashboard against it, and stop awsim when orgtop exits.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AWSIM="$ROOT/$BUILD/awsim"
ORGTOP="$ROOT/$BUILD/orgtop"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/orgtop-demo.XXXXXX")
chmod 700 "$tmp"
awsim_pid=""
cleanup() {
	[ -n "$awsim_pid" ] && kill "$awsim_pid" 2>/dev/null && wait "$awsim_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM HUP

fifo="$tmp/awsim.out"
mkfifo "$fifo"
"$AWSIM" --listen 127.0.0.1:0 --accounts "${DEMO_ACCOUNTS:-120}" --seed "${DEMO_SEED:-7}" \
	--tick "${DEMO_TICK:-20}" --latency "${DEMO_LATENCY:-15:10}" >"$fifo" 2>"$tmp/awsim.log" &
awsim_pid=$!

endpoint="" key="" secret="" region=""
while IFS= read -r line; do
	case "$line" in
	"export AWS_ENDPOINT_URL="*) endpoint=${line#*=} ;;
	"export AWS_ACCESS_KEY_ID="*) key=${line#*=} ;;
	"export AWS_SECRET_ACCESS_KEY="*) secret=${line#*=} ;;
	"export AWS_REGION="*) region=${line#*=} ;;
	"# ready") break ;;
	esac
done <"$fifo"
# keep draining awsim's stdout so it never blocks on a full pipe
cat "$fifo" >/dev/null &

if [ -z "$endpoint" ] || [ -z "$key" ]; then
	echo "demo: awsim did not start:" >&2
	cat "$tmp/awsim.log" >&2
	exit 1
fi

# A throwaway profile, exactly as a user would write one for a real organization.
umask 077
cat >"$tmp/config" <<EOC
[profile orgtop-demo]
region = $region
endpoint_url = $endpoint
EOC
cat >"$tmp/credentials" <<EOC
[orgtop-demo]
aws_access_key_id = $key
aws_secret_access_key = $secret
EOC

echo "demo: awsim at $endpoint (sample organization, live changes every ${DEMO_TICK:-20} s)"
# Only the demo profile: AWS variables of the caller's shell would outrank it.
for v in $(env | sed -n 's/^\(AWS_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials" \
XDG_CACHE_HOME="$tmp/cache" \
	"$ORGTOP" --profile orgtop-demo || true
