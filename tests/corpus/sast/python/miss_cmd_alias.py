# expect: CWE-78
from os import system as sh

def backup(path):
    sh("tar czf /tmp/b.tgz " + path)
