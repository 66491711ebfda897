# netq itself, for CI runners and anyone without Node: `docker run` it with the repository mounted
# at /work. Nothing of the regions is baked in. (Dockerfile-batfish is the Batfish image netq runs.)
#
#   docker build -t netq:local \
#     --build-arg VERSION="$(node -p "require('./package.json').version")" \
#     --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
#   docker run --rm -v "$PWD:/work" -u "$(id -u):$(id -g)" netq:local check -r north_america -s nyc \
#     --batfish-url http://batfish.example:9996
#
# Build arguments: NODE_IMAGE, the Node 20 base (a mirror of it, say: it must provide node, npm,
# /bin/sh, ln and a `node` user, as the official slim image does, and apt-get or git); VERSION, REVISION, CREATED and
# SOURCE (the repository's URL) fill the OCI labels.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# The production dependencies, exactly as the lockfile has them; cached until it changes.
FROM ${NODE_IMAGE} AS deps
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The build, with every dependency (npm's cache from the step above already holds the production ones).
FROM deps AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE}
# The package as npm installs it (package.json, dist, questions, schemas, Dockerfile-batfish),
# owned by root: the user netq runs as cannot change it.
WORKDIR /opt/netq
COPY package.json README.md Dockerfile-batfish ./
COPY questions ./questions
COPY schemas ./schemas
COPY --from=deps /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
RUN ln -s /opt/netq/dist/bin/netq.js /usr/local/bin/netq
# git: --base-ref and --changed-since read the base of a merge request with it. The slim image has
# none; a base that brings git (a mirror with it, say) is used as it is.
RUN command -v git >/dev/null 2>&1 \
  || { apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*; }
ENV NODE_ENV=production
# The official image's unprivileged user (uid 1000). `docker run -u "$(id -u):$(id -g)"` runs netq
# as the owner of the mounted repository instead, so the reports it writes there are theirs.
USER node
# Where the repository (regions/, netq-checks.yaml) is mounted; reports are written beside it.
WORKDIR /work
ENTRYPOINT ["netq"]
CMD ["--help"]

# Last, so that a new revision or date rebuilds only this layer.
ARG VERSION=
ARG REVISION=
ARG CREATED=
ARG SOURCE=
LABEL org.opencontainers.image.title="netq" \
      org.opencontainers.image.description="Ask Batfish questions about a site's device configurations, and gate CI on the answers" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
