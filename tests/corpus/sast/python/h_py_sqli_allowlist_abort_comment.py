# expect: CWE-89
from flask import request  # we no longer use abort here
from app.util import abort
SORTS = {"name", "email"}
@app.route("/u")
def users():
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        abort(400)
    cur.execute("SELECT * FROM users ORDER BY " + sort)
