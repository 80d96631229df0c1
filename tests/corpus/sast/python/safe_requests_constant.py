# expect: safe
import requests

def status():
    return requests.get("https://status.example.com/api/health", timeout=3).json()
