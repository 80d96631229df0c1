# expect: CWE-89
from flask import request
col = 'name'

def a(db):
    cols = request.args.getlist('cols')
    sql = "SELECT %s FROM t" % ', '.join('"%s"' % col for col in cols)
    db.execute(sql)
