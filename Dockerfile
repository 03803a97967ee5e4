# tenantwatch — the watchdog service. `docker compose up` runs it with the demo (see README).
# Build: docker build -t tenantwatch .      Run: docker run --rm -p 8080:8080 tenantwatch start

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Dependencies first, so a source edit does not reinstall them. --ignore-scripts because the
# package's own `prepare` (tsc) needs the sources copied below; the build runs explicitly.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production npm_config_update_notifier=false
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/tenantwatch.js", "demo"]
