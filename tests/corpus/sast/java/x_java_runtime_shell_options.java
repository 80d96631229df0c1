// expect: CWE-78
public void run(String a, String b, String c) throws IOException {
    // Options may stand between a shell and the flag that takes its command line.
    Runtime.getRuntime().exec(new String[]{"bash", "-l", "-c", "make " + a});
    Runtime.getRuntime().exec(new String[]{"powershell", "-NoProfile", "-Command", "Get-Item " + b});
    Runtime.getRuntime().exec(new String[]{"env", "-i", "/usr/local/bin/bash", "-c", "ls " + c});
}
