# expect: safe
import zipfile

class Bundle:
    def __init__(self, path):
        self.zip_ref = zipfile.ZipFile(path)

    def unpack(self, dest):
        self.zip_ref.extractall(dest)
        archive_zip = zipfile.ZipFile(dest + ".zip")
        archive_zip.extractall(dest)
        myzip = zipfile.ZipFile(dest + ".2.zip")
        myzip.extractall(dest)
