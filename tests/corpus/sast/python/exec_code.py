# expect: CWE-95
def run_plugin(code):
    namespace = {}
    exec(code, namespace)
    return namespace.get("result")
