# expect: safe
#!/bin/bash
chmod 755 deploy.sh
chmod 600 ~/.ssh/id_ed25519
