# expect: safe
def get(conn, item_id):
    return conn.execute("SELECT * FROM items WHERE id = ?", [item_id]).fetchone()
