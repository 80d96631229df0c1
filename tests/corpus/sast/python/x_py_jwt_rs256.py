# expect: safe
import jwt

def claims(token, public_key):
    return jwt.decode(token, public_key, algorithms=["RS256"], audience="api")
