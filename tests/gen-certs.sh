#!/bin/bash
# gen-certs.sh — make the test CAs and server certificates with certtool
#
# Copyright 2026 The SMTP Client authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: gen-certs.sh DIR
#
# Writes into DIR (created if needed):
#   ca.pem, ca-key.pem                         the test CA
#   server.pem, server-key.pem                 signed by the test CA, for localhost and 127.0.0.1
#   untrusted-ca.pem, untrusted-ca-key.pem     a second CA, unrelated to the first
#   untrusted-server.pem, untrusted-server-key.pem   signed by the second CA, same names
#   self-signed.pem, self-signed-key.pem       self-signed server certificate, same names
#   self-signed-2.pem, self-signed-2-key.pem   another one, with another key (a changed server)
#   other-name-server.pem, other-name-server-key.pem  signed by the test CA, for
#                                              mail.example.test and smtp.example.test only
#
# Idempotent: files that already exist are kept. Quiet unless something fails.

set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi

dir=$1
mkdir -p "$dir"
cd "$dir"

if [ -s ca.pem ] && [ -s server.pem ] && [ -s untrusted-server.pem ] && \
   [ -s self-signed.pem ] && [ -s self-signed-2.pem ] && [ -s other-name-server.pem ]; then
  exit 0
fi

certtool=${CERTTOOL:-certtool}
log=$(mktemp gen-certs.XXXXXX.log)
trap 'rm -f "$log" ca.tmpl server.tmpl other-name.tmpl' EXIT

run ()
{
  if ! "$certtool" "$@" >>"$log" 2>&1; then
    echo "gen-certs.sh: certtool $* failed:" >&2
    cat "$log" >&2
    exit 1
  fi
}

# SC_CERT_KEY_TYPE=rsa makes RSA keys (tests/interop/exim.sh uses them), for peers that prefer RSA.
genkey ()
{
  if [ "${SC_CERT_KEY_TYPE:-ecdsa}" = rsa ]; then
    run --generate-privkey --key-type=rsa --bits=2048 --no-text --outfile "$1.tmp"
  else
    run --generate-privkey --key-type=ecdsa --curve=secp256r1 --no-text --outfile "$1.tmp"
  fi
  mv "$1.tmp" "$1"
}

cat > ca.tmpl <<'TMPL'
organization = "SMTP Client tests"
cn = "SMTP Client Test CA"
serial = 1
expiration_days = 30
ca
cert_signing_key
crl_signing_key
TMPL

cat > server.tmpl <<'TMPL'
organization = "SMTP Client tests"
cn = "localhost"
serial = 2
expiration_days = 30
dns_name = "localhost"
ip_address = "127.0.0.1"
tls_www_server
signing_key
encryption_key
TMPL

cat > other-name.tmpl <<'TMPL'
organization = "SMTP Client tests"
cn = "mail.example.test"
serial = 3
expiration_days = 30
dns_name = "mail.example.test"
dns_name = "smtp.example.test"
tls_www_server
signing_key
encryption_key
TMPL

# make_ca PREFIX: PREFIX.pem, PREFIX-key.pem
make_ca ()
{
  genkey "$1-key.pem"
  run --generate-self-signed --load-privkey "$1-key.pem" --template ca.tmpl \
      --no-text --outfile "$1.pem.tmp"
  mv "$1.pem.tmp" "$1.pem"
}

# make_server PREFIX CA [TEMPLATE]: PREFIX.pem, PREFIX-key.pem signed by CA.pem
make_server ()
{
  genkey "$1-key.pem"
  run --generate-certificate --load-privkey "$1-key.pem" \
      --load-ca-certificate "$2.pem" --load-ca-privkey "$2-key.pem" \
      --template "${3:-server.tmpl}" --no-text --outfile "$1.pem.tmp"
  mv "$1.pem.tmp" "$1.pem"
}

# make_self_signed PREFIX: a server certificate signed by its own key
make_self_signed ()
{
  genkey "$1-key.pem"
  run --generate-self-signed --load-privkey "$1-key.pem" --template server.tmpl \
      --no-text --outfile "$1.pem.tmp"
  mv "$1.pem.tmp" "$1.pem"
}

make_ca ca
make_server server ca
make_ca untrusted-ca
make_server untrusted-server untrusted-ca
make_self_signed self-signed
make_self_signed self-signed-2
make_server other-name-server ca other-name.tmpl
