# expect: safe
import subprocess

def ping(host):
    result = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True)
    return result.stdout
