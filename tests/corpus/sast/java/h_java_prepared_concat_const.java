// expect: safe
public List<Item> page(Connection c, int limit) throws SQLException {
    String sql = "SELECT * FROM items " + "ORDER BY id " + "LIMIT ?";
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setInt(1, limit);
    return map(ps.executeQuery());
}
