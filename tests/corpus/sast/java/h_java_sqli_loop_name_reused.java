// expect: CWE-89
import java.sql.*;
import java.util.*;
class J1 {
  // sibling classic-for int and enhanced-for String with the same name
  void purge(Statement st, List<String> names) throws SQLException {
    for (int n = st.getMaxRows(); n < 3; n++) { st.execute("DELETE FROM t WHERE shard = " + n); }
    for (String n : names) { st.execute("DELETE FROM t WHERE name = '" + n + "'"); }
  }
}
