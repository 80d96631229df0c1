// expect: safe
import java.sql.*;

public class OrderDao {
    // Numbers and booleans concatenated into SQL: the compiler keeps quotes out of them.
    public ResultSet page(Connection conn, int limit, long offset) throws SQLException {
        Statement st = conn.createStatement();
        return st.executeQuery("SELECT * FROM orders ORDER BY id LIMIT " + limit + " OFFSET " + offset);
    }

    public int archive(Connection conn, Integer days, boolean dryRun) throws SQLException {
        String sql = "UPDATE orders SET archived = " + !dryRun + " WHERE age_days > " + days;
        return conn.createStatement().executeUpdate(sql);
    }

    public String report(Connection conn, int capacity) throws SQLException {
        StringBuilder sb = new StringBuilder(capacity);
        sb.append("SELECT count(*) FROM orders");
        try (ResultSet rs = conn.createStatement().executeQuery(sb.toString())) {
            return rs.next() ? rs.getString(1) : "0";
        }
    }
}
