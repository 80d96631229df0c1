// expect: safe
import java.sql.*;

class SafeSqliLoopOverConstantArray {
    void export(Connection conn) throws SQLException {
        Statement stmt = conn.createStatement();
        for (String col : new String[] {"email", "phone"}) {
            stmt.executeQuery("SELECT " + col + " FROM users");
        }
    }
}
