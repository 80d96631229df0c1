# expect: CWE-78
import subprocess

def convert(src, dst):
    subprocess.run(f"convert {src} -resize 50% {dst}", shell=True, check=True)
