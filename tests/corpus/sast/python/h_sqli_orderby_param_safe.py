# expect: safe
ALLOWED = {"name", "created_at"}

def list_users(cursor, order):
    if order not in ALLOWED:
        order = "name"
    cursor.execute("SELECT * FROM users ORDER BY name LIMIT %s", (50,))
    return cursor.fetchall()
