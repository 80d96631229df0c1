# expect: CWE-89
from flask import request, abort
SORTS = {"name", "email"}
def list_users(sort, abort=print):
    if sort not in SORTS:
        abort(400)
    cur.execute("SELECT * FROM users ORDER BY " + sort)
@app.route("/u")
def users():
    return list_users(request.args.get("sort", "name"), abort=log.warning)
