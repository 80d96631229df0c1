// expect: CWE-338
import java.util.Random;

public class Tokens {
    public String generateToken() {
        Random r = new Random();
        return Long.toHexString(r.nextLong());
    }
}
