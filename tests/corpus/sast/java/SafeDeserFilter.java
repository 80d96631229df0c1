// expect: safe
import java.io.*;

public class SessionStore {
    public Object load(byte[] data) throws Exception {
        ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data));
        in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.Session;!*"));
        return in.readObject();
    }
}
