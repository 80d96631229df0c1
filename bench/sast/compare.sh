#!/usr/bin/env bash
# Compares the SAST engine with Semgrep on the labeled corpus (tests/corpus/sast/):
# precision, recall and F1 per CWE side by side, and files per second.
#
# What it does:
#   1. creates a venv (bench/sast/.venv) and installs Semgrep from PyPI (pinned version);
#   2. copies the corpus to a scratch directory (Semgrep's default ignore list skips any
#      path under tests/);
#   3. runs Semgrep with local rules only (bench/sast/semgrep-rules, written for this
#      comparison), --metrics=off and no version check, so it never reaches the network,
#      on one job (-j 1) to compare per core;
#   4. runs the engine through examples/sast_scan.rs (release build) on the same files;
#   5. scores both with bench/sast/score.py.
#
# Usage: bench/sast/compare.sh            (from anywhere; needs python3 and cargo)
# Env:   SEMGREP_VERSION (default below), VENV, WORK (scratch dir, default mktemp -d),
#        SCAN (a prebuilt sast_scan binary; skips the cargo build)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# Belt and braces: no metrics, no version check, whatever the flags below say.
export SEMGREP_SEND_METRICS=off SEMGREP_ENABLE_VERSION_CHECK=0
SEMGREP_VERSION=${SEMGREP_VERSION:-1.182.0}
VENV=${VENV:-$ROOT/bench/sast/.venv}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"

if [ ! -x "$VENV/bin/semgrep" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "semgrep==$SEMGREP_VERSION"
fi

rm -rf "$WORK/corpus"
cp -r "$ROOT/tests/corpus/sast" "$WORK/corpus"

# Only one cargo build at a time on shared machines; flock is optional.
cargo_() { if command -v flock >/dev/null; then flock /tmp/cargo.lock cargo "$@"; else cargo "$@"; fi; }
if [ -z "${SCAN:-}" ]; then
  (cd "$ROOT" && cargo_ build --quiet --release --example sast_scan)
  SCAN="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/sast_scan"
fi

now() { python3 -c 'import time; print(time.monotonic())'; }

t0=$(now)
"$SCAN" "$WORK/corpus" > "$WORK/ours.jsonl" 2> "$WORK/ours.err"
t1=$(now)
(cd "$WORK" && "$VENV/bin/semgrep" scan --metrics=off --disable-version-check --quiet \
  -j 1 --config "$ROOT/bench/sast/semgrep-rules" --json corpus > "$WORK/semgrep.json")
t2=$(now)

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "semgrep $("$VENV/bin/pip" show semgrep 2>/dev/null | awk '/^Version/ {print $2}')"
echo "engine: $(cat "$WORK/ours.err")"
echo
python3 "$ROOT/bench/sast/score.py" "$WORK/corpus" "$WORK/ours.jsonl" "$WORK/semgrep.json" \
  "$ROOT/bench/sast/semgrep-rules" \
  "$(python3 -c "print($t1 - $t0)")" "$(python3 -c "print($t2 - $t1)")"
