# expect: CWE-538
FROM node:20-alpine
ENV DATABASE_PASSWORD=supersecret
ARG NPM_TOKEN=abc123
WORKDIR /app
COPY . .
RUN npm ci
USER node
CMD ["node", "index.js"]
