# expect: CWE-502
import yaml

def parse(doc):
    return yaml.load(doc, Loader=yaml.Loader)
