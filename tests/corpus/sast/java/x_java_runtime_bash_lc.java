// expect: CWE-78
public void thumbnail(String file) throws IOException {
    Runtime.getRuntime().exec(new String[]{"/bin/bash", "-lc", "convert " + file + " thumb.png"});
}
