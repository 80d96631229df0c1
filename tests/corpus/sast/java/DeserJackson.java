// expect: CWE-502
public class Json {
    public static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.enableDefaultTyping();
        return m;
    }
}
