# expect: safe
import ast

def parse_list(text):
    return ast.literal_eval(text)
