// expect: CWE-89
import java.sql.*;

class OrderSearch {
    ResultSet byCustomer(Connection c, String customer) throws SQLException {
        Statement st = c.createStatement();
        String q = "SELECT id, total FROM orders WHERE customer = '";
        q = q.concat(customer).concat("'");
        return st.executeQuery(q);
    }
}
