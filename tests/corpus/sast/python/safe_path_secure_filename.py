# expect: safe
import os
from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)

@app.route("/download")
def download():
    name = secure_filename(request.args.get("file", ""))
    with open(os.path.join("/srv/uploads", name), "rb") as f:
        return f.read()
