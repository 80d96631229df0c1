# expect: CWE-89
class UserRepository:
    def __init__(self, conn):
        self.conn = conn

    def find_by_email(self, email):
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM users WHERE email = '%s'" % email)
            return cur.fetchone()
