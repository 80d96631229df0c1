# expect: safe
from flask import Flask, request, jsonify

app = Flask(__name__)

@app.route("/echo")
def echo():
    msg = request.args.get("msg", "")
    return jsonify({"echo": f"you said {msg}"})
