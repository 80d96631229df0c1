# expect: CWE-89
from myapp.models import Person

def people(last_name):
    return Person.objects.raw("SELECT * FROM myapp_person WHERE last_name = '%s'" % last_name)
