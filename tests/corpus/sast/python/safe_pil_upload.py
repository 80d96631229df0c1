# expect: safe
from flask import Flask, request
from PIL import Image

app = Flask(__name__)

@app.post("/thumb")
def thumb():
    img = Image.open(request.files["image"])
    img.thumbnail((128, 128))
    return "ok"
