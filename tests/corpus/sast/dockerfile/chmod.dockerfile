# expect: CWE-732
FROM nginx:alpine
COPY site /usr/share/nginx/html
RUN chmod -R 777 /usr/share/nginx/html
USER nginx
