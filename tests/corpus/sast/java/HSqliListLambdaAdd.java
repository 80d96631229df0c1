// expect: CWE-89
import java.util.*;
@RestController
class C {
  @GetMapping("/u")
  String u(@RequestParam List<String> extra) {
    List<String> cols = new ArrayList<>(List.of("id", "name"));
    extra.forEach(e -> cols.add(e));
    return jdbc.queryForObject("SELECT " + String.join(",", cols) + " FROM users", String.class);
  }
}
