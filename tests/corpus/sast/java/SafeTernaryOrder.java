// expect: safe
import java.sql.*;
public class B {
    public ResultSet a(Connection conn, boolean asc) throws SQLException {
        String order = asc ? "ASC" : "DESC";
        return conn.createStatement().executeQuery("SELECT * FROM t ORDER BY created " + order);
    }
    public ResultSet b(Connection conn, String s) throws SQLException {
        return conn.createStatement().executeQuery("SELECT * FROM t LIMIT " + Integer.parseInt(s));
    }
    public ResultSet c(Connection conn, List<String> ids) throws SQLException {
        return conn.createStatement().executeQuery("SELECT * FROM t LIMIT " + ids.size());
    }
}
