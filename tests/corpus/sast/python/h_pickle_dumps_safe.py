# expect: safe
import pickle

def save(obj, path):
    with open(path, "wb") as f:
        pickle.dump(obj, f)
