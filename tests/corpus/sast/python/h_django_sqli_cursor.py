# expect: CWE-89
from django.db import connection

def stats(request):
    table = request.GET.get("t")
    with connection.cursor() as c:
        c.execute("SELECT COUNT(*) FROM " + table)
        return c.fetchone()
