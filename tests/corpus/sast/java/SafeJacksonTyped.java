// expect: safe
public class Json {
    private static final ObjectMapper M = new ObjectMapper();

    public static Order parse(String json) throws Exception {
        return M.readValue(json, Order.class);
    }
}
