// expect: safe
import java.sql.*;

class ActiveUsers {
    ResultSet list(Connection c, String label) throws SQLException {
        Statement st = c.createStatement();
        String q = "SELECT id, name FROM users WHERE active = 1";
        String shown = q.concat(" -- ").concat(label);
        System.out.println(shown.length());
        st.executeQuery(new StringBuilder("SELECT count(*) FROM users").append(" WHERE active = 1").toString());
        return st.executeQuery(q);
    }
}
