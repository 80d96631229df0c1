# expect: CWE-916, CWE-328
import hashlib

def hash_password(password):
    return hashlib.md5(password.encode()).hexdigest()
