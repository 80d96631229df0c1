# expect: safe
def f(cur, ids):
    placeholders = ",".join("?" for _ in ids)
    cur.execute(f"SELECT * FROM t WHERE id IN ({placeholders})", ids)

def g(cur, ids):
    placeholders = ", ".join(["%s"] * len(ids))
    cur.execute("SELECT * FROM t WHERE id IN (%s)" % placeholders, ids)

def h(cur, cols):
    cur.execute("SELECT * FROM t WHERE id = %s LIMIT %d" % ("?", 10))


def k(cur, ids):
    marks = ",".join(map(lambda _: "?", ids))
    cur.execute("SELECT * FROM t WHERE id IN (" + marks + ")", ids)
