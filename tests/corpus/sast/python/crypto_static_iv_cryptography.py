# expect: CWE-329
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

def encrypt(key, data):
    iv = b"\x00" * 16
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()
