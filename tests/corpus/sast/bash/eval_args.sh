# expect: CWE-95
#!/bin/bash
cmd="$1"
eval "$cmd"
