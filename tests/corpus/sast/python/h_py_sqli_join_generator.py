# expect: CWE-89
def a(cur, ids):
    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join(f"'{x}'" for x in ids))

def b(cur, ids):
    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join(map(lambda x: x, ids)))

def c(cur, xs, ys):
    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join(map(lambda a, i: "$" + i, xs, ys)))

def d(cur, ids):
    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join([x for x in ids]))
