// expect: CWE-78
public void remove(String file) throws IOException {
    // cmd joins every argument after /c into the command line it runs.
    Runtime.getRuntime().exec(new String[]{"cmd.exe", "/c", "del", file});
}
