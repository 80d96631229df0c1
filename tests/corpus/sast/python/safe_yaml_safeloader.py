# expect: safe
import yaml

def parse(doc):
    return yaml.load(doc, Loader=yaml.SafeLoader)
