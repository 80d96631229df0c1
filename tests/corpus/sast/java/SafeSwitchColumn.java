// expect: safe
import java.sql.*;

public class SafeSwitchColumn {
    enum Sort { NAME, DATE }

    public ResultSet list(Connection conn, Sort sort) throws SQLException {
        String col = switch (sort) {
            case NAME -> "name";
            case DATE -> "created";
        };
        return conn.createStatement().executeQuery("SELECT * FROM t ORDER BY " + col);
    }
}
