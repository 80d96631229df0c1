// expect: CWE-78
public void run(String tool, String file) throws IOException {
    Runtime.getRuntime().exec(new String[]{tool, file});
}
