# expect: safe
#!/bin/bash
set -euo pipefail
target="${1:?usage: clean DIR}"
rm -rf -- "${target}/build"
