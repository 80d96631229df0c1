// expect: safe
import java.util.*;
@RestController
class C {
  @GetMapping("/u")
  String u(@RequestParam long id) {
    List<String> cols = List.of("id", "name", "email");
    List<String> copy = new ArrayList<>(cols);
    return jdbc.queryForObject("SELECT " + String.join(",", cols) + " FROM users WHERE id = ?", String.class, id);
  }
}
