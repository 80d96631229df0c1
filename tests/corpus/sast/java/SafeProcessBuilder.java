// expect: safe
public class Archiver {
    public void archive(String dir) throws Exception {
        new ProcessBuilder("tar", "czf", "/tmp/out.tgz", dir).start().waitFor();
    }
}
