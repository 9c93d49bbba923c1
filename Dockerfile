# Keymeter runtime image. TypeScript is loaded at run time by tsx (a runtime dependency): no build step.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# One COPY per directory: COPY with several directory sources would merge their contents into /app.
COPY bin ./bin
COPY src ./src
COPY ingest ./ingest
COPY migrations ./migrations
COPY fixtures ./fixtures
COPY openapi ./openapi
COPY tsconfig.json ./

# The code stays root-owned and read-only to the service; only the embedded-database
# directory (unused when DATABASE_URL is set) is writable.
RUN mkdir -p /app/.keymeter && chown node:node /app/.keymeter

USER node
EXPOSE 8080

ENTRYPOINT ["node", "bin/keymeter.js"]
CMD ["serve"]
