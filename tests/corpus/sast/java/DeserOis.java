// expect: CWE-502
import java.io.*;

public class SessionStore {
    public Object load(byte[] data) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            return in.readObject();
        }
    }
}
