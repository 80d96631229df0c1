// expect: safe
public Item byId(Connection c, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM items WHERE id = ?")) {
        ps.setInt(1, id);
        return map(ps.executeQuery());
    }
}
