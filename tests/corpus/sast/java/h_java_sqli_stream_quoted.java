// expect: CWE-89
import java.sql.*;
public class N {
    public ResultSet f(Connection conn, List<String> ids) throws SQLException {
        String list = ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(","));
        return conn.createStatement().executeQuery("SELECT * FROM t WHERE id IN (" + list + ")");
    }
    public ResultSet g(Connection conn, List<String> ids, String sep) throws SQLException {
        String list = ids.stream().collect(Collectors.joining(sep));
        return conn.createStatement().executeQuery("SELECT * FROM t WHERE id IN (" + list + ")");
    }
}
