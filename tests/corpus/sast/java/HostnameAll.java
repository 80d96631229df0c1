// expect: CWE-295
public class Http {
    public static void relax(HttpsURLConnection conn) {
        conn.setHostnameVerifier((hostname, session) -> true);
    }
}
