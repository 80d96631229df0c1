// expect: CWE-89
public List<User> find(Connection c, String name) throws SQLException {
    StringBuilder sb = new StringBuilder("SELECT * FROM users WHERE 1=1");
    sb.append(" AND name = '").append(name).append("'");
    return map(c.createStatement().executeQuery(sb.toString()));
}
