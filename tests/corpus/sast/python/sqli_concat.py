# expect: CWE-89
import sqlite3

def get_user(conn, username):
    cur = conn.cursor()
    cur.execute("SELECT * FROM users WHERE username = '" + username + "'")
    return cur.fetchone()
