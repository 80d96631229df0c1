# expect: safe
QUERY = "SELECT id, name FROM users WHERE active = %s"

def active_users(cursor):
    cursor.execute(QUERY, (True,))
    return cursor.fetchall()
