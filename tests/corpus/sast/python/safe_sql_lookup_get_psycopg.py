# expect: safe
from psycopg2 import sql

ORDERS = {"asc": "ASC", "desc": "DESC"}


def by_column(cur, col, uid):
    # psycopg quotes the identifier itself.
    q = sql.SQL("SELECT {} FROM t WHERE id = %s").format(sql.Identifier(col))
    cur.execute(q, (uid,))


def sorted_rows(cur, direction):
    order = ORDERS.get(direction, "ASC")
    cur.execute(f"SELECT * FROM t ORDER BY created {order}")
