#!/bin/sh
# Makes the test-only TLS material of tests/unit/test_http.c in DIR (the build
# tree), so that no private key is kept in the repository. EC P-256, valid
# 100 years:
#   ca.pem           a throwaway CA (its key is deleted at the end)
#   server.pem/.key  issued by ca.pem for IP:127.0.0.1 and DNS:localhost
#   wrong-host.pem   issued by ca.pem for DNS:wrong.example only (same key)
#   self-signed.pem  self-signed for IP:127.0.0.1 (same key)
set -eu
dir=${1:?usage: mkcerts.sh DIR}
command -v openssl >/dev/null 2>&1 || { echo "mkcerts: openssl not found (make deps)" >&2; exit 1; }
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
days=36500

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -subj "/CN=orgtop test CA" -days $days \
	-out "$tmp/ca.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/server.key"
openssl req -new -key "$tmp/server.key" -subj "/CN=localhost" -out "$tmp/server.csr"

issue() { # name subjectAltName serial
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$2" >"$tmp/$1.ext"
	openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
		-set_serial "$3" -days $days -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
}
issue server "IP:127.0.0.1,DNS:localhost" 1
issue wrong-host "DNS:wrong.example" 2
openssl req -x509 -new -key "$tmp/server.key" -subj "/CN=127.0.0.1" -days $days \
	-addext "subjectAltName=IP:127.0.0.1" -out "$tmp/self-signed.pem" 2>/dev/null

for f in ca.pem server.pem server.key wrong-host.pem self-signed.pem; do
	cp "$tmp/$f" "$dir/$f"
done
chmod 600 "$dir/server.key"
