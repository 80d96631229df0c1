// expect: CWE-327
import javax.crypto.Cipher;

public class Crypto {
    public byte[] encrypt(SecretKey key, byte[] data) throws Exception {
        Cipher c = Cipher.getInstance("AES");
        c.init(Cipher.ENCRYPT_MODE, key);
        return c.doFinal(data);
    }
}
