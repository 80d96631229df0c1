// expect: safe
import java.sql.*;
import java.util.stream.*;
public class A {
    public ResultSet f(Connection conn, List<Long> ids) throws SQLException {
        String placeholders = ids.stream().map(id -> "?").collect(Collectors.joining(","));
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM t WHERE id IN (" + placeholders + ")");
        return ps.executeQuery();
    }
    public ResultSet g(Connection conn, List<Long> ids) throws SQLException {
        String placeholders = String.join(",", Collections.nCopies(ids.size(), "?"));
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM t WHERE id IN (" + placeholders + ")");
        return ps.executeQuery();
    }
}
