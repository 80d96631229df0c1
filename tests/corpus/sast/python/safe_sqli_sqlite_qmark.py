# expect: safe
import sqlite3

def add_note(db_path, title, body):
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO notes (title, body) VALUES (?, ?)", (title, body))
