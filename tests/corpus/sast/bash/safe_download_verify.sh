# expect: safe
#!/bin/bash
set -euo pipefail
curl -fsSLo install.sh https://get.example.sh
echo "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  install.sh" | sha256sum -c -
bash install.sh
