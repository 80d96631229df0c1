// expect: safe
public void list(String dir) throws IOException {
    Runtime.getRuntime().exec(new String[]{"ls", "-la", dir});
}
