# expect: CWE-22
import tarfile

def unpack(zip_path, dest):
    tarfile.open(zip_path).extractall(dest)
