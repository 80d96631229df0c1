# expect: CWE-78
import os
from flask import request

def lookup():
    domain = request.args["domain"]
    return os.popen(f"nslookup {domain}").read()
