# expect: CWE-89
from psycopg2 import sql

ORDERS = {"asc": "ASC", "desc": "DESC"}


def sorted_rows(cur, direction, fallback):
    order = ORDERS.get(direction, fallback)
    cur.execute(f"SELECT * FROM t ORDER BY created {order}")


def by_column(cur, col):
    q = sql.SQL("SELECT {} FROM t").format(col)
    cur.execute(q)
