# expect: CWE-328
import hashlib

def sign(payload, secret):
    return hashlib.sha1(secret + payload).hexdigest()
