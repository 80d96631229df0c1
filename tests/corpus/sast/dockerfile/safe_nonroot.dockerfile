# expect: safe
FROM python:3.12-slim
RUN useradd --system --uid 10001 app
WORKDIR /app
COPY --chown=app:app . .
RUN pip install --no-cache-dir -r requirements.txt
USER 10001
CMD ["python", "main.py"]
