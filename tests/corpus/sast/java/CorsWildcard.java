// expect: CWE-942
@RestController
@CrossOrigin(origins = "*")
public class ApiController {
    @GetMapping("/api/me")
    public User me() { return current(); }
}
