# expect: CWE-78
import subprocess

def disk_usage(path):
    out = subprocess.check_output("du -sh " + path, shell=True)
    return out.decode()
