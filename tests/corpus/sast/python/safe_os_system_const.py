# expect: safe
import os

os.system("clear")
