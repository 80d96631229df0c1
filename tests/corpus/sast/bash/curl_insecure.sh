# expect: CWE-295
#!/bin/bash
curl -k https://internal.example.com/api/status
