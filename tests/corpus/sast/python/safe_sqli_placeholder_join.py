# expect: safe
def fetch_many(cursor, ids):
    placeholders = ", ".join(["%s"] * len(ids))
    cursor.execute("SELECT * FROM items WHERE id IN (" + placeholders + ")", ids)
    return cursor.fetchall()
