# expect: CWE-295
import requests

session = requests.Session()
session.verify = False
resp = session.get("https://internal.example/api", verify=False)
