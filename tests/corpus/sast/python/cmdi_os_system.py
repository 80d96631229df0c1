# expect: CWE-78
import os

def ping(host):
    os.system("ping -c 1 " + host)
