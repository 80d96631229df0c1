# expect: CWE-89
from flask import request
@app.route("/u")
def users():
    cols = ["id", "name"]
    for c in request.args.getlist("c"):
        cur.execute("SELECT " + ", ".join(cols) + " FROM users")
        cols.append(c)
