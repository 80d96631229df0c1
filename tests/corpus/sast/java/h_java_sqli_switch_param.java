// expect: CWE-89
import java.sql.*;

public class SwitchParam {
    public ResultSet list(Connection conn, String sort, String custom) throws SQLException {
        String col = switch (sort) {
            case "name" -> "name";
            default -> custom;
        };
        return conn.createStatement().executeQuery("SELECT * FROM t ORDER BY " + col);
    }
}
