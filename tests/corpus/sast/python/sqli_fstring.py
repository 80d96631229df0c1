# expect: CWE-89
def find_orders(cursor, customer_id):
    cursor.execute(f"SELECT id, total FROM orders WHERE customer_id = {customer_id}")
    return cursor.fetchall()
