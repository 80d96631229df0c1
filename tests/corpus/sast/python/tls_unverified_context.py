# expect: CWE-295
import ssl
import urllib.request

ctx = ssl._create_unverified_context()
print(urllib.request.urlopen("https://internal.example", context=ctx).read())
