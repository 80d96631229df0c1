// expect: CWE-78
public void archive(String name) throws IOException {
    Runtime.getRuntime().exec(new String[]{"/usr/bin/env", "sh", "-c", "tar czf " + name + ".tgz data"});
}
