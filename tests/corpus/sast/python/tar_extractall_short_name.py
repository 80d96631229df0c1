# expect: CWE-22
import tarfile

def unpack(archive, dest):
    with tarfile.open(archive) as z:
        z.extractall(dest)
