# expect: safe
col = 'name'

def export(db):
    for col in ('email', 'phone'):
        db.execute("SELECT " + col + " FROM users")
    fields = ['id', 'created_at']
    return [db.execute("SELECT " + f + " FROM users") for f in fields]
