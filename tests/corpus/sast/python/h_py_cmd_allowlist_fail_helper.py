# expect: CWE-78
import subprocess
from flask import request

FORMATS = ("png", "jpg", "webp")


def fail(msg):
    app.logger.warning(msg)


@app.route("/convert", methods=["POST"])
def convert():
    fmt = request.form["format"]
    if fmt not in FORMATS:
        fail("bad format")
    subprocess.run(f"convert upload.bin out.{fmt}", shell=True)
    return "ok"
