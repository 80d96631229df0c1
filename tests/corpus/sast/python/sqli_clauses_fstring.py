# expect: CWE-89
def search(db, name, city):
    clauses = []
    if name:
        clauses.append(f"name = '{name}'")
    if city:
        clauses.append("city = 'x'")
    sql = "SELECT * FROM users WHERE " + " AND ".join(clauses)
    return db.execute(sql).fetchall()
