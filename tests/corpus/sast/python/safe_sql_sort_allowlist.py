# expect: safe
from flask import request

ALLOWED_SORTS = {"name", "created_at", "price"}
DIRECTIONS = ("asc", "desc")


@app.route("/products")
def products():
    sort = request.args.get("sort", "name")
    direction = request.args.get("dir", "asc")
    if sort not in ALLOWED_SORTS:
        abort_reason = "unknown sort column"
        raise ValueError(abort_reason)
    order = direction if direction in DIRECTIONS else "asc"
    cur = db.cursor()
    cur.execute(f"SELECT id, name FROM products ORDER BY {sort} {order}")
    return cur.fetchall()
