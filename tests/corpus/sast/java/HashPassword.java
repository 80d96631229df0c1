// expect: CWE-916
import java.security.MessageDigest;

public class PasswordUtil {
    public static byte[] hash(String password) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return md.digest(password.getBytes(StandardCharsets.UTF_8));
    }
}
