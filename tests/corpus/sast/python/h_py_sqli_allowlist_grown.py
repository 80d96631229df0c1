# expect: CWE-89
from flask import request

ALLOWED_SORTS = {"name", "created_at"}


def register_column(name):
    ALLOWED_SORTS.add(name)


@app.route("/products")
def products():
    sort = request.args.get("sort", "name")
    if sort not in ALLOWED_SORTS:
        raise ValueError("unknown sort column")
    cur = db.cursor()
    cur.execute(f"SELECT id, name FROM products ORDER BY {sort}")
    return cur.fetchall()
