# expect: CWE-89
from flask import request

ALLOWED_SORTS = {"name", "created_at", "price"}


@app.route("/products")
def products():
    sort = request.args.get("sort", "name")
    if sort not in ALLOWED_SORTS:
        raise ValueError("unknown sort column")
    cur = db.cursor()
    results = []
    for nxt in request.args.getlist("then_by"):
        cur.execute(f"SELECT id, name FROM products ORDER BY {sort}")
        results.append(cur.fetchall())
        sort = nxt
    return results
