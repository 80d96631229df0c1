# expect: safe
from flask import Flask, request
from PIL import Image

app = Flask(__name__)

@app.post("/avatar")
def avatar():
    upload = request.files["image"]
    img = Image.open(upload)
    img.thumbnail((64, 64))
    return "ok"
