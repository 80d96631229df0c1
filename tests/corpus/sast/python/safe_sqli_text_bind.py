# expect: safe
from sqlalchemy import text

def by_email(session, email):
    stmt = text("SELECT * FROM users WHERE email = :email")
    return session.execute(stmt, {"email": email}).all()
