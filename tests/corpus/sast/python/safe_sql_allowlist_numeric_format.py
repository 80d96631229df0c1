# expect: safe
TABLES = {"user": "users", "order": "orders"}

def a(cur, kind, uid):
    table = TABLES[kind]
    cur.execute(f"SELECT * FROM {table} WHERE id = %s", (uid,))

def b(cur, desc, uid):
    order = "DESC" if desc else "ASC"
    cur.execute(f"SELECT * FROM t ORDER BY created {order}")

def c(cur, limit):
    cur.execute("SELECT * FROM t LIMIT %d" % limit)

def d(cur, ids):
    cur.execute(f"SELECT * FROM t LIMIT {len(ids)}")

def e(cur, limit):
    cur.execute("SELECT * FROM t LIMIT {}".format(int(limit)))
