# expect: safe
import random

def deal(deck):
    random.shuffle(deck)
    return deck[:5]
