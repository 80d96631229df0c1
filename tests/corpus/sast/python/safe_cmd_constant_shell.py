# expect: safe
import subprocess

def list_tmp():
    return subprocess.check_output("ls -la /tmp | wc -l", shell=True)
