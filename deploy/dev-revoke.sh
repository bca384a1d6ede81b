#!/usr/bin/env bash
# Revokes development client certificates and writes the CA's revocation
# list, as a county's CA does with its own tooling (deploy/README-certificates.md).
#
#   deploy/dev-revoke.sh OUTDIR [NAME...]
#
# OUTDIR is a deploy/dev-ca.sh directory. Each NAME.crt is added to the CA's
# index of revoked certificates (kept in OUTDIR/crl-index.txt, so revocations
# accumulate); OUTDIR/clients.crl is then re-issued, signed by the CA, valid
# 30 days. With no NAME it only re-issues the list. heduid reads it with
# `crl = ".../clients.crl"` and again on SIGHUP (systemctl reload heduid).
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
OUT=$(cd "$1" && pwd)
shift
[ -s "$OUT/ca.crt" ] && [ -s "$OUT/ca.key" ] || {
  echo "dev-revoke.sh: $OUT has no ca.crt and ca.key (run deploy/dev-ca.sh)" >&2
  exit 1
}
touch "$OUT/crl-index.txt"
[ -s "$OUT/crl-number" ] || echo 1000 >"$OUT/crl-number"
CONF=$(mktemp)
trap 'rm -f "$CONF"' EXIT
cat >"$CONF" <<CONF
[ca]
default_ca = dev
[dev]
database = $OUT/crl-index.txt
crlnumber = $OUT/crl-number
certificate = $OUT/ca.crt
private_key = $OUT/ca.key
default_md = sha256
default_crl_days = 30
CONF
for name in "$@"; do
  openssl ca -config "$CONF" -revoke "$OUT/$name.crt" 2>&1 | grep -v "^Using configuration" || true
done
openssl ca -config "$CONF" -gencrl -out "$OUT/clients.crl" 2>/dev/null
chmod 644 "$OUT/clients.crl"
echo "dev-revoke.sh: $OUT/clients.crl lists $(grep -c '^R' "$OUT/crl-index.txt") revoked certificate(s)"
