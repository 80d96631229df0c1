# expect: CWE-89
from flask import request
@app.route("/u")
def users():
    cols = ["id", "name"]
    cols.insert(0, request.args["c"])
    cur.execute("SELECT " + ", ".join(cols) + " FROM users")
