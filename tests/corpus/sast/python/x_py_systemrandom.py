# expect: safe
import random
import string

def generate_token(n=32):
    rng = random.SystemRandom()
    return "".join(rng.choice(string.ascii_letters) for _ in range(n))
