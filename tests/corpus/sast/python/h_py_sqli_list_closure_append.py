# expect: CWE-89
from flask import request
@app.route("/u")
def users():
    cols = ["id", "name"]
    def add(c):
        cols.append(c)
    add(request.args["c"])
    cur.execute("SELECT " + ", ".join(cols) + " FROM users")
