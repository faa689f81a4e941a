# WebOps' web app and workers in one image; compose.yaml runs it as `web`, `worker` and `migrate`.
# Build: docker build -t webops .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The Prisma client and the Next.js production build (no database is needed to build).
RUN npm run db:generate && node node_modules/next/dist/bin/next build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
# The web app; the worker runs the same image with: node --import tsx workers/index.ts
CMD ["node", "node_modules/next/dist/bin/next", "start", "-p", "3000", "-H", "0.0.0.0"]
