# expect: safe
from flask import request
@app.route("/u")
def users():
    clauses = []
    params = []
    if request.args.get("name"):
        clauses.append("name = %s")
        params.append(request.args["name"])
    clauses.sort()
    where = " AND ".join(clauses) if clauses else "1=1"
    print(len(clauses), clauses)
    for c in clauses:
        log(c)
    cur.execute("SELECT * FROM users WHERE " + where, params)
