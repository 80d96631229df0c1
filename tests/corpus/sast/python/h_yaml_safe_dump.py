# expect: safe
import yaml

def write(cfg, path):
    with open(path, "w") as f:
        yaml.safe_dump(cfg, f)
