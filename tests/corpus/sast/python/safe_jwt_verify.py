# expect: safe
import jwt

def current_user(token, key):
    claims = jwt.decode(token, key, algorithms=["HS256"])
    return claims["sub"]
