# expect: CWE-89
from flask import request

def export(db):
    cols = ['email']
    cols.append(request.args['col'])
    for col in cols:
        db.execute("SELECT " + col + " FROM users")
