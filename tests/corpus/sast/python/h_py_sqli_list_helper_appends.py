# expect: CWE-89
from flask import request
def add(l, v):
    l.append(v)
@app.route("/u")
def users():
    cols = ["id", "name"]
    add(cols, request.args["c"])
    cur.execute("SELECT " + ", ".join(cols) + " FROM users")
