# expect: safe
import shlex
import subprocess

def archive(folder):
    subprocess.run("tar czf backup.tgz " + shlex.quote(folder), shell=True, check=True)
