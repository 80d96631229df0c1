// expect: CWE-89
public class OrderRepo {
    private final JdbcTemplate jdbc;

    public List<Order> byStatus(String status) {
        String sql = "SELECT * FROM orders WHERE status = '" + status + "' ORDER BY id";
        return jdbc.query(sql, new OrderMapper());
    }
}
