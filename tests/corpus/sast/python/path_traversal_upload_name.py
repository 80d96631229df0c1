# expect: CWE-22
import os
from flask import Flask, request

app = Flask(__name__)

@app.post("/upload")
def upload():
    f = request.files["doc"]
    with open(os.path.join("/srv/uploads", request.files["doc"].filename), "wb") as out:
        out.write(f.read())
    return "ok"
