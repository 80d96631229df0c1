// expect: CWE-89
import java.sql.*;
import java.util.List;

class HSqliLoopNameShadows {
  static final String col = "name";

  void export(Connection c, List<String> cols) throws SQLException {
    for (String col : cols) {
      c.createStatement().executeQuery("SELECT " + col + " FROM users");
    }
  }
}
