# expect: CWE-732
#!/bin/bash
mkdir -p /var/www/uploads
chmod -R 777 /var/www/uploads
