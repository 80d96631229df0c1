// expect: CWE-89
import java.util.Arrays;
@RestController
class C {
  @GetMapping("/u")
  String u(@RequestParam String c) {
    String[] cols = {"id", "name"};
    Arrays.fill(cols, c);
    return jdbc.queryForObject("SELECT " + String.join(",", cols) + " FROM users", String.class);
  }
}
