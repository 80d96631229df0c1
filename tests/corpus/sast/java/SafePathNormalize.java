// expect: safe
@RestController
public class FileController {
    private static final Path BASE = Paths.get("/srv/files");

    @GetMapping("/files")
    public byte[] get(@RequestParam String name) throws IOException {
        Path p = BASE.resolve(name).normalize();
        if (!p.startsWith(BASE)) throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        return Files.readAllBytes(p);
    }
}
