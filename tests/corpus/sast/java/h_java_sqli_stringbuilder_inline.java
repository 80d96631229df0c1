// expect: CWE-89
import java.sql.*;

class UserLookup {
    ResultSet byName(Connection c, String name) throws SQLException {
        Statement st = c.createStatement();
        return st.executeQuery(new StringBuilder("SELECT * FROM users WHERE name = '")
            .append(name).append("'").toString());
    }
}
