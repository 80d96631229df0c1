// expect: CWE-78
public void launch(String tool, String file) throws IOException {
    Runtime.getRuntime().exec(new String[]{"/usr/bin/env", tool, file});
}
