# expect: CWE-295
#!/bin/bash
ssh -o StrictHostKeyChecking=no deploy@10.0.0.5 'systemctl restart app'
