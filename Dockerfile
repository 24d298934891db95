# anchorbrowser-mock as a container: `docker build -t anchorbrowser-mock .`
# then `docker run -p 4010:4010 anchorbrowser-mock` (or see docker-compose.yml).
# test/docker/docker-recipe.test.ts lints this file and runs its commands outside Docker.

# Build stage: compile better-sqlite3's native addon and the TypeScript, then
# drop the devDependencies so the runtime stage copies a production-only
# node_modules with the compiled addon in it.
FROM node:20.20.2-bookworm-slim AS build
# better-sqlite3 falls back to node-gyp when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The sources come first: npm ci runs the package's prepare script, which builds dist/ from them
# (and from fixtures/, converted to JSON beside the bundle).
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY contract ./contract
COPY fixtures ./fixtures
RUN npm ci --no-audit --no-fund
RUN npm prune --omit=dev --no-audit --no-fund

# Runtime stage: production node_modules, dist/, the bundled fixtures and
# package.json (read for --version); nothing else.
FROM node:20.20.2-bookworm-slim AS runtime
# tini as PID 1 forwards SIGTERM to node, so the mock drains and closes its database.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production ANCHOR_MOCK_HOST=0.0.0.0 ANCHOR_MOCK_PORT=4010
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY fixtures ./fixtures
COPY package.json ./
# Without ANCHOR_MOCK_DB the store is in memory and each start serves exactly its
# fixtures; a --db file that keeps data goes in this volume, writable by node
# (docker-compose.yml sets ANCHOR_MOCK_DB=/app/data/anchorbrowser-mock.db).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME /app/data
EXPOSE 4010
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=5 CMD ["node", "dist/bundle/cli.cjs", "healthcheck"]
# The Node flags of npm start: smaller young-generation semi-spaces hold memory
# down, and GC on the main thread keeps a busy 2-core host from stalling it
# (README, Command line).
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-semi-space-size=8", "--single-threaded-gc", "dist/bundle/cli.cjs"]
CMD ["serve"]
