# expect: safe
import subprocess

def resize(src, dst, width):
    subprocess.run(["magick", src, "-resize", f"{width}x", dst], check=True, shell=False)
