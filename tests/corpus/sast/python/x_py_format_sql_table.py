# expect: CWE-89
def count_rows(cursor, table_name):
    cursor.execute("SELECT COUNT(*) FROM {}".format(table_name))
    return cursor.fetchone()[0]
