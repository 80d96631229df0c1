# expect: CWE-78
import os

def cleanup(path):
    os.system(f"rm -rf {path}")
