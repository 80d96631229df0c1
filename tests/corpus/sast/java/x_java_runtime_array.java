// expect: CWE-78
public void open(String file) throws IOException {
    Runtime.getRuntime().exec(new String[]{"/bin/sh", "-c", "xdg-open " + file});
}
