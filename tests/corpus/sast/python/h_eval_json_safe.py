# expect: safe
import json

def load(payload: str):
    data = json.loads(payload)
    return data.get("items", [])
