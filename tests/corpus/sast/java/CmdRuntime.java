// expect: CWE-78
public class Pinger {
    public String ping(String host) throws IOException {
        Process p = Runtime.getRuntime().exec("ping -c 1 " + host);
        return new String(p.getInputStream().readAllBytes());
    }
}
