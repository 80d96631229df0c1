# expect: CWE-89
from flask import request

ALLOWED_SORTS = {"name", "created_at", "price"}


@app.route("/products")
def products():
    sort = request.args.get("sort", "name")
    if sort in ALLOWED_SORTS:
        app.logger.info("known sort")
    cur = db.cursor()
    cur.execute(f"SELECT id, name FROM products ORDER BY {sort}")
    return cur.fetchall()
