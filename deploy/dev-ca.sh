#!/usr/bin/env bash
# Development certificates for Hedui's mutual TLS (deploy/README-certificates.md):
# a private CA, a server certificate for localhost, client certificates for the
# example callers, and a callers file that maps them.
#
#   deploy/dev-ca.sh OUTDIR [EXTRA_CLIENT_NAME...]
#
# OUTDIR gets ca.{key,crt}, server.{key,crt}, NAME.{key,crt} for dibao-system,
# staff-1, admin-1 and every extra name, and callers.textproto. Idempotent: what
# exists and still chains to the CA is kept (a new CA re-issues every
# certificate); callers.textproto is never overwritten, since it is meant to be
# edited. Keys are 0600. NOT for production: the CA key sits next to the certs.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
OUT=$1
shift
CLIENTS=(dibao-system staff-1 admin-1 "$@")
for name in "${CLIENTS[@]}"; do
  # The name becomes a file name and a certificate subject.
  if ! [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]; then
    echo "dev-ca.sh: bad client name '$name' (letters, digits, . _ -)" >&2
    exit 2
  fi
done

command -v openssl >/dev/null || { echo "dev-ca.sh: openssl not found" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
umask 077
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

DAYS_CA=3650
DAYS_LEAF=825
made=()
kept=()

new_key() {  # PATH
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

# True when $1.crt and $1.key exist, the certificate chains to the CA and is
# valid for another day, and the key is the certificate's.
usable() {  # BASENAME
  [ -s "$1.crt" ] && [ -s "$1.key" ] &&
    openssl verify -CAfile "$OUT/ca.crt" "$1.crt" >/dev/null 2>&1 &&
    openssl x509 -in "$1.crt" -noout -checkend 86400 >/dev/null 2>&1 &&
    [ "$(openssl x509 -in "$1.crt" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" = \
      "$(openssl pkey -in "$1.key" -pubout -outform DER | sha256sum)" ]
}

# Issues BASENAME.{key,crt} for subject CN, signed by the CA, with the
# extensions in the file $3.
issue() {  # BASENAME CN EXTFILE
  new_key "$1.key"
  openssl req -new -key "$1.key" -subj "/O=Hedui development/CN=$2" -out "$TMP/req.csr"
  openssl x509 -req -in "$TMP/req.csr" -CA "$OUT/ca.crt" -CAkey "$OUT/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$DAYS_LEAF" -sha256 \
    -extfile "$3" -out "$1.crt" 2>/dev/null
  chmod 644 "$1.crt"
}

# --- CA ---
ca_ok=0
if [ -s "$OUT/ca.crt" ] && [ -s "$OUT/ca.key" ] &&
  openssl x509 -in "$OUT/ca.crt" -noout -checkend 86400 >/dev/null 2>&1; then
  ca_ok=1
fi
if [ $ca_ok -eq 0 ]; then
  new_key "$OUT/ca.key"
  cat >"$TMP/ca.ext" <<'EOF'
[req]
distinguished_name = dn
x509_extensions = v3_ca
prompt = no
[dn]
O = Hedui development
CN = Hedui development CA
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  openssl req -x509 -new -key "$OUT/ca.key" -config "$TMP/ca.ext" -sha256 \
    -days "$DAYS_CA" -set_serial "0x$(openssl rand -hex 16)" -out "$OUT/ca.crt"
  chmod 644 "$OUT/ca.crt"
  made+=("ca.crt ca.key (development CA)")
else
  kept+=("ca.crt")
fi

# --- server ---
cat >"$TMP/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
if usable "$OUT/server"; then
  kept+=("server.crt")
else
  issue "$OUT/server" localhost "$TMP/server.ext"
  made+=("server.crt server.key (CN=localhost, SAN DNS:localhost IP:127.0.0.1 IP:::1)")
fi

# --- clients ---
cat >"$TMP/client.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
for name in "${CLIENTS[@]}"; do
  if usable "$OUT/$name"; then
    kept+=("$name.crt")
  else
    issue "$OUT/$name" "$name" "$TMP/client.ext"
    made+=("$name.crt $name.key (client, CN=$name)")
  fi
done

# --- callers file ---
if [ -e "$OUT/callers.textproto" ]; then
  kept+=("callers.textproto")
else
  umask 022
  cat >"$OUT/callers.textproto" <<'EOF'
# Hedui callers file (hedui.config.v1.Callers, proto/hedui/config/v1/callers.proto):
# who may call, keyed by the client certificate's Common Name.
# Made by deploy/dev-ca.sh for development; see deploy/README-certificates.md.

# A county's 低保 system: verifies for DIBAO and MEDICAL, in 320581 only.
callers {
  identity: "dibao-system"
  role: PROGRAM_SYSTEM
  programs: [DIBAO, MEDICAL]
  region_codes: "320581"
}

# Verification-center staff: every program (none listed), two counties.
callers {
  identity: "staff-1"
  role: STAFF
  region_codes: ["320581", "320582"]
}

# Operator: everything, every county.
callers {
  identity: "admin-1"
  role: ADMIN
}
EOF
  made+=("callers.textproto (dibao-system, staff-1, admin-1)")
fi

echo "dev-ca.sh: development certificates in $OUT"
for m in "${made[@]+"${made[@]}"}"; do echo "  made  $m"; done
for k in "${kept[@]+"${kept[@]}"}"; do echo "  kept  $k"; done
