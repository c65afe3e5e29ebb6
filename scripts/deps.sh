#!/bin/sh
# Install the Debian/Ubuntu packages orgtop needs to build, test, bench and demo,
# but only the ones that are missing. Elsewhere, say what to install.
set -eu

PKGS="gcc make pkg-config libncurses-dev libcurl4-openssl-dev libssl-dev libcjson-dev
libuv1-dev libexpat1-dev libcmocka-dev libmicrohttpd-dev python3 tmux awscli clang
libclang-rt-14-dev valgrind python3-botocore python3-boto3 openssl"

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian/Ubuntu system; install these (or your system's equivalents):"
	echo "  C compiler, make, pkg-config, ncursesw, libcurl (OpenSSL), OpenSSL libcrypto,"
	echo "  cJSON, libuv, expat, cmocka, libmicrohttpd, python3 with boto3, tmux, awscli"
	exit 0
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: not root and no sudo; please install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
