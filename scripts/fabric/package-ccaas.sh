#!/usr/bin/env bash
# Builds the chaincode-as-a-service install package for `peer lifecycle chaincode install`:
# pdl-ccaas.tgz = metadata.json + code.tar.gz(connection.json). The peer's ccaas builder reads
# connection.json to dial the chaincode container; {{.peername}} is filled in per peer.
# Usage: scripts/fabric/package-ccaas.sh [output-dir]   (edit chaincode/ccaas/connection.json
# first for TLS: tls_required, client_auth_required, root_cert, client_key, client_cert)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$here/dist}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cp "$here/chaincode/ccaas/connection.json" "$work/connection.json"
cp "$here/chaincode/ccaas/metadata.json" "$work/metadata.json"
tar -C "$work" -czf "$work/code.tar.gz" connection.json
tar -C "$work" -czf "$out/pdl-ccaas.tgz" metadata.json code.tar.gz
echo "wrote $out/pdl-ccaas.tgz (label $(sed -n 's/.*"label": *"\([^"]*\)".*/\1/p' "$work/metadata.json"))"
