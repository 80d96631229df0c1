# expect: safe
#!/bin/sh
curl -fsSL -o /tmp/get.sh https://example.com/get.sh
less /tmp/get.sh
