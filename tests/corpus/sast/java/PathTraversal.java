// expect: CWE-22
@RestController
public class FileController {
    @GetMapping("/files")
    public byte[] get(@RequestParam String name) throws IOException {
        return Files.readAllBytes(Paths.get("/srv/files", name));
    }
}
