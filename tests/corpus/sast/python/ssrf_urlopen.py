# expect: CWE-918
from urllib.request import urlopen
from flask import request

def proxy():
    target = request.form["target"]
    return urlopen(target).read()
