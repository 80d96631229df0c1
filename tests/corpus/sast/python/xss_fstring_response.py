# expect: CWE-79
from flask import Flask, request

app = Flask(__name__)

@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    return f"<p>Welcome, {name}</p>"
