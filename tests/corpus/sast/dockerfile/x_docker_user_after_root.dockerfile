# expect: safe
FROM python:3.12-slim
USER root
RUN pip install --no-cache-dir uvicorn
RUN useradd -m app
USER app
CMD ["uvicorn", "main:app"]
