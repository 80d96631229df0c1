// expect: safe
public class PasswordUtil {
    private final PasswordEncoder encoder = new BCryptPasswordEncoder();

    public String hash(String password) {
        return encoder.encode(password);
    }
}
