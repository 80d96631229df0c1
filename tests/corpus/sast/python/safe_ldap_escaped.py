# expect: safe
import ldap
from ldap.filter import escape_filter_chars

def find_user(conn, username):
    flt = "(uid=%s)" % escape_filter_chars(username)
    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, flt)
