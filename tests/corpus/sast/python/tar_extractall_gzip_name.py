# expect: CWE-22
import tarfile

def unpack(path, dest):
    tar_gzip = tarfile.open(path, "r:gz")
    tar_gzip.extractall(dest)
