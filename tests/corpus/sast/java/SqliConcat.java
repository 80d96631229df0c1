// expect: CWE-89
import java.sql.*;

public class UserDao {
    public User find(Connection conn, String name) throws SQLException {
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
        return rs.next() ? map(rs) : null;
    }
}
