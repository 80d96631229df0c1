// expect: CWE-89
public class Reports {
    public int purge(Connection c, String table) throws Exception {
        return c.createStatement().executeUpdate(String.format("DELETE FROM %s WHERE expired = 1", table));
    }
}
