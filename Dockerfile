# syntax=docker/dockerfile:1.7
# One image per service: `docker build --target gateway|story-worker|audio-worker|janitor .`
# Every target runs as UID 10001 on a read-only root filesystem; /tmp is the only
# writable path it needs (heartbeat files, clones), plus /data/artifacts for file:// stores.

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm
# Who owns the installed code: root in release images (the app cannot change its own
# code); the app user in Tilt's dev images, so live_update can sync edits into them.
ARG VENV_OWNER=0:0

FROM ${PYTHON_IMAGE} AS base
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="codestory" \
      org.opencontainers.image.description="Turn a code repository into a narrated, chaptered audio tour." \
      org.opencontainers.image.source="https://github.com/codestory/codestory" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    CODESTORY_GATEWAY_HOST=0.0.0.0 \
    CODESTORY_HEARTBEAT_DIR=/tmp/codestory-heartbeat \
    CODESTORY_WORK_DIR=/tmp/codestory-work
# tini is PID 1: it forwards SIGTERM to Celery (warm shutdown) and reaps zombies.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 codestory \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin codestory
WORKDIR /app

# --- one virtualenv per service, with only that service's extras -----------------------
FROM base AS build
COPY pyproject.toml README.md constraints.txt ./
COPY services ./services

FROM build AS build-gateway
RUN python -m venv /opt/venv && pip install --constraint constraints.txt ".[gateway]"

FROM build AS build-story
RUN python -m venv /opt/venv && pip install --constraint constraints.txt ".[story]"

FROM build AS build-audio
RUN python -m venv /opt/venv && pip install --constraint constraints.txt ".[audio]"

FROM build AS build-janitor
RUN python -m venv /opt/venv && pip install --constraint constraints.txt ".[janitor]"

# --- runtime targets -------------------------------------------------------------------
FROM base AS gateway
ARG VENV_OWNER
COPY --from=build-gateway --chown=${VENV_OWNER} /opt/venv /opt/venv
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "codestory"]
CMD ["gateway"]

FROM base AS story-worker
# git is the story-worker's only system dependency: it fetches repositories.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*
ARG VENV_OWNER
COPY --from=build-story --chown=${VENV_OWNER} /opt/venv /opt/venv
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--", "codestory"]
CMD ["worker", "story"]

FROM base AS audio-worker
# espeak-ng, its voices and LAME come inside the wheels: no system packages.
ARG VENV_OWNER
COPY --from=build-audio --chown=${VENV_OWNER} /opt/venv /opt/venv
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--", "codestory"]
CMD ["worker", "audio"]

FROM base AS janitor
ARG VENV_OWNER
COPY --from=build-janitor --chown=${VENV_OWNER} /opt/venv /opt/venv
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--", "codestory"]
CMD ["janitor"]
