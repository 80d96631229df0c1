# expect: CWE-338
import random

def send_code(user):
    otp = random.randint(100000, 999999)
    user.send_sms(f"Your code is {otp}")
