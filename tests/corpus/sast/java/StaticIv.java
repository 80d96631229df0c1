// expect: CWE-329
public class Crypto {
    private static final byte[] IV = "1234567890abcdef".getBytes();

    public byte[] encrypt(SecretKey key, byte[] data) throws Exception {
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(IV));
        return c.doFinal(data);
    }
}
