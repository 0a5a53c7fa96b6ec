# syntax=docker/dockerfile:1
# Switchboard: build with the full toolchain, run with production dependencies only, as a non-root user.
#   docker build -t switchboard .
#   docker run -p 3000:3000 -e JWT_SECRET=… -e INTERNAL_API_KEY=… -e DATABASE_URL=… switchboard
# Without DATABASE_URL it keeps embedded PostgreSQL (PGlite) in /data: mount a volume there.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
# The same script packages/server/test/release/release.test.ts runs.
RUN bash deploy/assemble-release.sh /release

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only to the server; only DATA_DIR is writable.
COPY --from=build /release /app
# attachments/ exists in the image so a volume mounted there (docs/deploy.md) starts owned by `node`.
RUN mkdir -p /data/attachments && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "packages/server/dist/main.js"]
