# expect: safe
import requests

def notify(url, payload):
    requests.post(url, json=payload, timeout=5, verify=True)
