# One image per service: `docker build --target gateway|story-worker|audio-worker|janitor .`
# (or `make images`, which builds them with podman on a base image made by debootstrap).
# Behind a TLS-inspecting proxy, pass its CA as a build secret: `--secret id=ca,src=FILE`;
# a private package index: `--build-arg PIP_INDEX_URL=...`. Neither ends up in a layer.
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
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 codestory \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin codestory
WORKDIR /app

# --- one virtualenv per service, with only that service's extras -----------------------
# Dependencies first, from pyproject.toml alone (a one-line stand-in for the package), so
# an edit to the code reinstalls only the code, not every dependency.
FROM base AS build
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
COPY pyproject.toml README.md constraints.txt requirements-voice.txt ./
RUN mkdir -p services/codestory && echo '__version__ = "0"' > services/codestory/__init__.py

FROM build AS build-gateway
RUN --mount=type=secret,id=ca,required=false \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    python -m venv /opt/venv && pip install setuptools==80.9.0 wheel==0.45.1 \
    && pip install --constraint constraints.txt ".[gateway]"
COPY services ./services
RUN pip install --no-deps --no-build-isolation --force-reinstall .

FROM build AS build-story
RUN --mount=type=secret,id=ca,required=false \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    python -m venv /opt/venv && pip install setuptools==80.9.0 wheel==0.45.1 \
    && pip install --constraint constraints.txt ".[story]"
COPY services ./services
RUN pip install --no-deps --no-build-isolation --force-reinstall .

FROM build AS build-audio
RUN --mount=type=secret,id=ca,required=false \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    python -m venv /opt/venv && pip install setuptools==80.9.0 wheel==0.45.1 \
    && pip install --require-hashes --no-deps -r requirements-voice.txt \
    && pip install --constraint constraints.txt ".[audio]"
COPY services ./services
RUN pip install --no-deps --no-build-isolation --force-reinstall .

FROM build AS build-janitor
RUN --mount=type=secret,id=ca,required=false \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    python -m venv /opt/venv && pip install setuptools==80.9.0 wheel==0.45.1 \
    && pip install --constraint constraints.txt ".[janitor]"
COPY services ./services
RUN pip install --no-deps --no-build-isolation --force-reinstall .

# Degraded mode (config.syncFallback) has the gateway tell stories itself: every stage.
FROM build AS build-gateway-full
RUN --mount=type=secret,id=ca,required=false \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    python -m venv /opt/venv && pip install setuptools==80.9.0 wheel==0.45.1 \
    && pip install --require-hashes --no-deps -r requirements-voice.txt \
    && pip install --constraint constraints.txt ".[gateway,story,audio]"
COPY services ./services
RUN pip install --no-deps --no-build-isolation --force-reinstall .

# --- runtime targets -------------------------------------------------------------------
FROM base AS gateway
ARG VENV_OWNER
COPY --from=build-gateway --chown=${VENV_OWNER} /opt/venv /opt/venv
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "codestory"]
CMD ["gateway"]

FROM base AS gateway-full
# The gateway with the story and audio stages (and git) for degraded mode.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends git \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
ARG VENV_OWNER
COPY --from=build-gateway-full --chown=${VENV_OWNER} /opt/venv /opt/venv
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "codestory"]
CMD ["gateway"]

FROM base AS story-worker
# git is the story-worker's only system dependency: it fetches repositories.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends git \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
ARG VENV_OWNER
COPY --from=build-story --chown=${VENV_OWNER} /opt/venv /opt/venv
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--", "codestory"]
CMD ["worker", "story"]

FROM base AS audio-worker
# hibari's voice (installed by hash above), espeak-ng and its voices, and LAME come inside
# the wheels: no system packages, nothing downloaded at run time.
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
