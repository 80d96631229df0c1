// expect: CWE-89
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

public class ProductRepository {
    private static final Set<String> SORTABLE = Set.of("name", "created_at", "price");
    private final JdbcTemplate jdbc;

    public ProductRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<String> names(String sort) {
        if (!SORTABLE.contains(sort)) {
            System.err.println("unknown sort column");
        }
        return jdbc.queryForList("SELECT name FROM products ORDER BY " + sort, String.class);
    }
}
