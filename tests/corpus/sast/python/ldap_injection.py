# expect: CWE-90
import ldap

def find_user(conn, username):
    return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={username})")
