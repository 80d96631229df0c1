// expect: safe
public void convert(String file, String dir) throws IOException {
    // The command line is constant; the file reaches the shell as $1, not as code.
    Runtime.getRuntime().exec(new String[]{"sh", "-c", "convert \"$1\" out.png", "sh", file});
    Runtime.getRuntime().exec(new String[]{"bash", "/opt/backup.sh", dir});
}
