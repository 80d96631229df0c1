#!/usr/bin/env bash
# Builds securetag-edge and runs it on the embedded default configuration:
# no database, no Redis, tenants and keys from conf/securetag-edge.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
build_deps
cargo build --release --locked
exec target/release/securetag-edge run -c "${1:-conf/securetag-edge.yaml}"
