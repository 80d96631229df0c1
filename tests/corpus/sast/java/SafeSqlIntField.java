// expect: safe
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

public class AuditRepository {
    private final JdbcTemplate jdbc;
    private final int pageSize;
    private long tenantId;

    public AuditRepository(JdbcTemplate jdbc, int pageSize, long tenantId) {
        this.jdbc = jdbc;
        this.pageSize = pageSize;
        this.tenantId = tenantId;
    }

    public List<Map<String, Object>> latest() {
        String sql = "SELECT * FROM audit WHERE tenant_id = " + tenantId
                + " ORDER BY created_at DESC LIMIT " + this.pageSize;
        return jdbc.queryForList(sql);
    }
}
