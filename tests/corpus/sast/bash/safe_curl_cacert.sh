# expect: safe
curl --cacert /etc/ssl/internal-ca.pem -fsS https://internal.example.com/api/status
