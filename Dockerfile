# syntax=docker/dockerfile:1
# Framecast: one image for the API (`node dist/src/main.js`) and the worker
# (`node dist/src/worker-main.js`). See docs/deployment.md.
#
# Debian (glibc), not Alpine: @napi-rs/canvas and the npm FFmpeg/ffprobe builds are glibc binaries.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: full install (TypeScript), compile src/ and migrations/ to dist/ -----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts must run (package.json `allowScripts`: the FFmpeg/ffprobe installers, esbuild).
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
# tsc, then esbuild links each entry point into one file (scripts/bundle.ts: about half the start-up CPU).
RUN npm run build

# --- runtime: production dependencies, compiled code, vendored ReDoc; non-root -------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The npm FFmpeg/ffprobe binaries come out rwxr--r-- (owner root): let the `node` user run them,
# and fail the build if they are missing for this platform.
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force \
    && chmod a+rx node_modules/@ffmpeg-installer/*/ffmpeg node_modules/@ffprobe-installer/*/ffprobe
COPY --from=build /app/dist ./dist
COPY vendor ./vendor
# DATA_DIR holds render scratch space (and the embedded database when DATABASE_URL is unset).
RUN mkdir -p /app/data && chown node:node /app/data

USER node
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/api/v1/system/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
