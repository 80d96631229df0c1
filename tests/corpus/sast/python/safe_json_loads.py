# expect: safe
import json

def restore(data):
    return json.loads(data)
