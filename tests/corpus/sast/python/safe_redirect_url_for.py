# expect: safe
from flask import Flask, redirect, url_for

app = Flask(__name__)

@app.route("/old")
def old():
    return redirect(url_for("index"))
