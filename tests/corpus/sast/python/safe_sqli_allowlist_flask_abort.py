# expect: safe
from flask import request, abort
SORTS = {"name", "email"}
@app.route("/u")
def users():
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        abort(400)
    cur.execute("SELECT * FROM users ORDER BY " + sort)
