# expect: CWE-89
def search(cursor, term):
    query = "SELECT * FROM products WHERE name LIKE '%{}%'".format(term)
    cursor.execute(query)
    return cursor.fetchall()
