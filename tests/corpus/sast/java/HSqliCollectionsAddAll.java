// expect: CWE-89
import java.util.*;
@RestController
class C {
  @GetMapping("/u")
  String u(@RequestParam String c) {
    List<String> cols = new ArrayList<>(List.of("id", "name"));
    Collections.addAll(cols, c);
    return jdbc.queryForObject("SELECT " + String.join(",", cols) + " FROM users", String.class);
  }
}
