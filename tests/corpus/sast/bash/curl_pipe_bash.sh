# expect: CWE-494
#!/bin/bash
set -e
curl -fsSL https://get.example.sh | bash
