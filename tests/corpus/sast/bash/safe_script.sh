# expect: safe
#!/usr/bin/env bash
set -euo pipefail
for f in "$@"; do
  gzip -k -- "$f"
done
