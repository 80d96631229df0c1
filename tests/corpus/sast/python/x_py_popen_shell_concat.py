# expect: CWE-78
import subprocess

def grep_logs(pattern):
    cmd = "grep -r " + pattern + " /var/log/app"
    proc = subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE)
    return proc.communicate()[0]
