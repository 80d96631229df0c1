# expect: CWE-295
FROM python:3.12
RUN pip install --trusted-host pypi.org --trusted-host files.pythonhosted.org -r requirements.txt
USER 1000
