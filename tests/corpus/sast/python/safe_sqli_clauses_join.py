# expect: safe
from flask import request
import sqlite3

def search(db):
    clauses = []
    params = []
    if request.args.get("name"):
        clauses.append("name = ?")
        params.append(request.args["name"])
    if request.args.get("city"):
        clauses.append("city = ?")
        params.append(request.args["city"])
    sql = "SELECT * FROM users WHERE " + " AND ".join(clauses)
    return db.execute(sql, params).fetchall()
