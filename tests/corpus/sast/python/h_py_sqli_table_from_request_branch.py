# expect: CWE-89
def f(cur, request, k):
    if request.args.get("custom"):
        cols = request.args
    else:
        cols = {"a": "name"}
    cur.execute("SELECT %s FROM t" % cols[k])
