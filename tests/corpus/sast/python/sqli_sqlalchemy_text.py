# expect: CWE-89
from sqlalchemy import text

def by_email(session, email):
    return session.execute(text(f"SELECT * FROM users WHERE email = '{email}'")).all()
