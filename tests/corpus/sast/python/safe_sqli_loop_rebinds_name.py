# expect: safe
from flask import request
col = 'name'

def export(db):
    for col in request.args.getlist('cols'):
        col = 'email'
        db.execute("SELECT " + col + " FROM users")
