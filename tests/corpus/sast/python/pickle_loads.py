# expect: CWE-502
import pickle
from flask import request

def restore():
    data = request.get_data()
    obj = pickle.loads(data)
    return obj
