// expect: CWE-89
import java.sql.*;

class Paging {
    protected int pageSize = 20;
}

public class Search extends BaseController {
    public ResultSet run(Connection conn) throws SQLException {
        Statement st = conn.createStatement();
        return st.executeQuery("SELECT * FROM items WHERE owner = '" + owner + "'");
    }
}

class Owner { private long owner; }
