# expect: CWE-327
from Crypto.Cipher import DES

def encrypt(key, data):
    return DES.new(key, DES.MODE_CBC).encrypt(data)
