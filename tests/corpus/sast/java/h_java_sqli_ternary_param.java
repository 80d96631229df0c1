// expect: CWE-89
import java.sql.*;
public class NB {
    public ResultSet a(Connection conn, boolean asc, String order) throws SQLException {
        String o = asc ? "ASC" : order;
        return conn.createStatement().executeQuery("SELECT * FROM t ORDER BY created " + o);
    }
}
