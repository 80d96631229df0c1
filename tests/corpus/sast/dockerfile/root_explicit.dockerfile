# expect: CWE-250
FROM node:20
WORKDIR /usr/src/app
COPY . .
RUN npm ci
USER root
CMD ["node", "server.js"]
