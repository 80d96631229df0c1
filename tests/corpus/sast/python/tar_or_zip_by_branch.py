# expect: CWE-22
import tarfile
import zipfile

def unpack(path, dest, is_tar):
    if is_tar:
        arc = tarfile.open(path)
    else:
        arc = zipfile.ZipFile(path)
    arc.extractall(dest)
