# expect: safe
FROM node:20-alpine
WORKDIR /app
COPY --chown=1000:1000 . .
RUN npm ci --omit=dev
USER 1000:1000
CMD ["node", "server.js"]
