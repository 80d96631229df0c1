# expect: CWE-89
ALLOWED = ("name", "email")
sort_col = "name"

def apply_alias():
    global sort_col
    sort_col = request.args.get("alias", sort_col)

@app.route("/users")
def users():
    global sort_col
    sort_col = request.args["sort"]
    if sort_col not in ALLOWED:
        return "bad", 400
    apply_alias()
    cur.execute(f"SELECT * FROM users ORDER BY {sort_col}")
