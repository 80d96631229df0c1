# expect: safe
from flask import Flask, send_from_directory

app = Flask(__name__)

@app.route("/static/<path:name>")
def static_file(name):
    return send_from_directory("/srv/static", name)
