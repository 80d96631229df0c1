# expect: CWE-89
def build_report(cursor, filters):
    sql = "SELECT * FROM sales WHERE 1=1"
    for key, value in filters.items():
        sql += f" AND {key} = '{value}'"
    cursor.execute(sql)
    return cursor.fetchall()
