# expect: CWE-489
DEBUG = True
ALLOWED_HOSTS = ["*"]
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
