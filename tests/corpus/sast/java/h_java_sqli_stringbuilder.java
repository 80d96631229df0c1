// expect: CWE-89
public List<Item> search(Connection c, String q) throws SQLException {
    StringBuilder sb = new StringBuilder("SELECT * FROM items WHERE name LIKE '%");
    sb.append(q).append("%'");
    return map(c.createStatement().executeQuery(sb.toString()));
}
