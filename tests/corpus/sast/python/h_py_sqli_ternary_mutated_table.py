# expect: CWE-89
TABLES = {"user": "users", "order": "orders"}

def a(cur, desc, user_order):
    order = "DESC" if desc else user_order
    cur.execute(f"SELECT * FROM t ORDER BY created {order}")

def b(cur, kind, request):
    TABLES[kind] = request.args["t"]
    table = TABLES[kind]
    cur.execute(f"SELECT * FROM {table}")

def c(cur, x, a, d):
    cur.execute("SELECT * FROM t WHERE a = '%s'" % x)
    cur.execute("SELECT %d FROM t WHERE b = '%s'" % (a, x))
    cur.execute("SELECT * FROM t WHERE c = '%(n)s'" % d)
    cur.execute("SELECT * FROM t WHERE c = '%c'" % a)

def d(cur, names, i):
    cur.execute("SELECT * FROM t WHERE n = '%s'" % names[i])

COLS = ["a", "b"]
def e(cur, request):
    COLS.append(request.args["c"])
    cur.execute("SELECT %s FROM t" % COLS[2])

def f(cur, request):
    cols = {"a": request.args["c"]}
    cur.execute("SELECT %s FROM t" % cols["a"])
