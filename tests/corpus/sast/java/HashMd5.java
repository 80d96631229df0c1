// expect: CWE-328
import java.security.MessageDigest;

public class Checksums {
    public static byte[] md5(byte[] data) throws Exception {
        return MessageDigest.getInstance("MD5").digest(data);
    }
}
