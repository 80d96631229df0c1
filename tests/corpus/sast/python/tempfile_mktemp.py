# expect: CWE-377
import tempfile

def scratch():
    path = tempfile.mktemp()
    with open(path, "w") as f:
        f.write("data")
    return path
