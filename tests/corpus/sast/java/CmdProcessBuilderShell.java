// expect: CWE-78
public class Archiver {
    public void archive(String dir) throws Exception {
        new ProcessBuilder("sh", "-c", "tar czf /tmp/out.tgz " + dir).start().waitFor();
    }
}
