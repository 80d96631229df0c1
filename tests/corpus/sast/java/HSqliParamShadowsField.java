// expect: CWE-89
@RestController
class C {
  private String sort = "id";
  @GetMapping("/u")
  List<User> u(@RequestParam String sort) {
    return jdbc.query("SELECT * FROM users ORDER BY " + sort, mapper);
  }
}
