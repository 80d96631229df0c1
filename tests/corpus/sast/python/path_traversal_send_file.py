# expect: CWE-22
from flask import Flask, request, send_file

app = Flask(__name__)

@app.route("/files")
def files():
    return send_file("/var/data/" + request.args["path"])
