// expect: CWE-502
import org.yaml.snakeyaml.Yaml;

public class ConfigLoader {
    public Object load(String text) {
        Yaml yaml = new Yaml();
        return yaml.load(text);
    }
}
