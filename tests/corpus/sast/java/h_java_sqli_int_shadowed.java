// expect: CWE-89
import java.sql.*;

public class ItemDao {
    // `id` is a number in one method and a String in this one: this one is injectable.
    public int count(Connection conn, int id) throws SQLException {
        return conn.createStatement().executeUpdate("DELETE FROM items WHERE id = " + id);
    }

    public ResultSet byName(Connection conn, String id) throws SQLException {
        Statement st = conn.createStatement();
        return st.executeQuery("SELECT * FROM items WHERE code = '" + id + "'");
    }
}
