# expect: safe
import os
from Crypto.Cipher import AES
from Crypto.Util.Padding import pad

def encrypt(key, data):
    iv = os.urandom(16)
    cipher = AES.new(key, AES.MODE_CBC, iv)
    return iv + cipher.encrypt(pad(data, 16))
