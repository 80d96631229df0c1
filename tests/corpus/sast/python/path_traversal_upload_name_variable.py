# expect: CWE-22
from flask import Flask, request

app = Flask(__name__)

@app.post("/save")
def save():
    name = request.files["doc"].filename
    with open("/srv/uploads/" + name, "wb") as out:
        out.write(request.files["doc"].read())
    return "saved"
