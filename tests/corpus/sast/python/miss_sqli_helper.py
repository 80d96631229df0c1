# expect: CWE-89
def run(cursor, sql):
    cursor.execute(sql)

def lookup(cursor, name):
    run(cursor, "SELECT * FROM users WHERE name = '" + name + "'")
