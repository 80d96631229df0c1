// expect: safe
import java.sql.*;
class SafeStringBuilderParams {
    ResultSet find(Connection c, String name, String city) throws SQLException {
        StringBuilder sb = new StringBuilder("SELECT * FROM users WHERE 1=1");
        if (name != null) sb.append(" AND name = ?");
        if (city != null) sb.append(" AND city = ?");
        PreparedStatement ps = c.prepareStatement(sb.toString());
        int i = 1;
        if (name != null) ps.setString(i++, name);
        if (city != null) ps.setString(i++, city);
        return ps.executeQuery();
    }
}
