// expect: safe
public class Crypto {
    private final SecureRandom random = new SecureRandom();

    public byte[] encrypt(SecretKey key, byte[] data) throws Exception {
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        return c.doFinal(data);
    }
}
