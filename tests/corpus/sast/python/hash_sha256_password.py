# expect: CWE-916
import hashlib

def store_user(db, username, password):
    digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
    db.save(username, digest)
