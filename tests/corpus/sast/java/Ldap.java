// expect: CWE-90
public class Directory {
    public NamingEnumeration<SearchResult> find(DirContext ctx, String user) throws NamingException {
        return ctx.search("ou=people,dc=example,dc=com", "(uid=" + user + ")", new SearchControls());
    }
}
