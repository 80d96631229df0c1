# expect: CWE-89
from flask import Flask, request
import psycopg2

app = Flask(__name__)

@app.route("/user")
def user():
    uid = request.args.get("id")
    sql = "SELECT name, email FROM users WHERE id = " + uid
    conn = psycopg2.connect("dbname=app")
    cur = conn.cursor()
    cur.execute(sql)
    return str(cur.fetchone())
