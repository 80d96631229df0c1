// expect: safe
import java.sql.*;

public class UserDao {
    public User find(Connection conn, String name) throws SQLException {
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?");
        ps.setString(1, name);
        ResultSet rs = ps.executeQuery();
        return rs.next() ? map(rs) : null;
    }
}
