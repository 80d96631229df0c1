// expect: safe
import java.util.*;
@RestController
class C {
  @GetMapping("/u")
  List<User> u(@RequestParam String name) {
    StringBuilder sb = new StringBuilder("SELECT * FROM users WHERE 1=1");
    List<Object> args = new ArrayList<>();
    List<String> cols = new ArrayList<>(List.of("id", "name"));
    if (name != null) { sb.append(" AND name = ?"); args.add(name); }
    for (String c : cols) { System.out.println(c); }
    sb.append(" ORDER BY ").append(String.join(",", cols));
    if (sb.length() > 1000) sb.setLength(1000);
    return jdbc.query(sb.toString(), args.toArray(), mapper);
  }
}
