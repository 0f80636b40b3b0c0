# syntax=docker/dockerfile:1
# The worker's container image (docs/infrastructure.md, "The worker"): CI builds it for
# linux/arm64, pushes it to the stack's ECR repository and sets workerImageDigest to its digest.
# Node is the version the tests run on (the `node` devDependency); __tests__/dockerfile.test.ts
# holds this file to that and to the task definition's user.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# The worker's one file: handlers/entrypoints/worker/main.ts bundled, sharp left external.
FROM --platform=linux/arm64 ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY handlers ./handlers
RUN npx esbuild handlers/entrypoints/worker/main.ts --bundle --platform=node --target=node24 --format=cjs \
      --external:sharp --sourcemap=linked --outfile=dist/worker.js

# Production dependencies only, as locked; on arm64 npm installs sharp's linux-arm64 binaries and no other platform's.
FROM --platform=linux/arm64 ${NODE_IMAGE} AS production-dependencies
WORKDIR /deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM --platform=linux/arm64 ${NODE_IMAGE}
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=production-dependencies /deps/node_modules ./node_modules
COPY --from=build /build/dist ./dist
# The image's `node` user; the task definition runs the container as the same uid:gid with a read-only root and a /tmp volume.
USER 1000:1000
CMD ["node", "dist/worker.js"]
