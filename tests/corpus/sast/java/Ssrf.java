// expect: CWE-918
@RestController
public class PreviewController {
    @GetMapping("/preview")
    public String preview(@RequestParam String url) throws IOException {
        try (InputStream in = new URL(url).openStream()) {
            return new String(in.readAllBytes());
        }
    }
}
