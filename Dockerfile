# lp-delete as a container: `docker build -t lp-delete .`, then run it with the settings of .env.example as
# environment variables (docker-compose.yml shows it with PostgreSQL). Node 22 LTS; the app runs as the
# image's unprivileged `node` user, from the compiled dist/, without the build tools.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The data folder (unused with DATABASE_URL): owner-only, owned by the user the app runs as.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# HTTP mode: /healthz answers 200 while the process lives (/readyz: once the data is open and Slack took
# the token). Socket Mode serves no HTTP: run it with --no-healthcheck (compose: healthcheck: disable: true).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1's command (not npm): SIGTERM from `docker stop` reaches the app, which stops gently.
CMD ["node", "dist/index.js"]
