# expect: CWE-502
import pickle

def load_cache(path):
    with open(path, "rb") as f:
        return pickle.load(f)
