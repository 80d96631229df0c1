# expect: CWE-89
from flask import request
col = 'name'

def export(db):
    for col in request.args.getlist('cols'):
        db.execute("SELECT " + col + " FROM users")
