# expect: safe
from zipfile import ZipFile

def unpack(path, dest):
    with ZipFile(path) as z:
        z.extractall(dest)
    arc = ZipFile(path, "r")
    arc.extractall(dest)
