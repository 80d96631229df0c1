# expect: CWE-329
from Crypto.Cipher import AES
from Crypto.Util.Padding import pad

IV = b"0123456789abcdef"

def encrypt(key, data):
    cipher = AES.new(key, AES.MODE_CBC, IV)
    return cipher.encrypt(pad(data, 16))
