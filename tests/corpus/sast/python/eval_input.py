# expect: CWE-95
def calculator():
    expr = input("Enter expression: ")
    print(eval(expr))
