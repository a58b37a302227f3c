# Maillage in a container: small (python:3.11-slim, dependencies built in a first stage) and
# unprivileged (user maillage, uid 10001). The configuration is mounted at /app/config.toml;
# secrets come from the environment (compose.yaml's env file). SQLite, if used, lives in /data.
#   docker build -t maillage .
#   docker run --rm --env-file .env -v ./config.toml:/app/config.toml:ro maillage doctor

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
COPY jobs ./jobs
RUN /venv/bin/pip install .

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MAILLAGE_CONFIG=/app/config.toml \
    MAILLAGE_WEB_HOST=0.0.0.0
RUN groupadd --system --gid 10001 maillage \
    && useradd --system --uid 10001 --gid maillage --home-dir /app --shell /usr/sbin/nologin maillage \
    && mkdir -p /app /data && chown maillage:maillage /app /data
COPY --from=build /venv /venv
WORKDIR /app
USER maillage
VOLUME ["/data"]
EXPOSE 8080
# The web face answers /healthz; a container running only the chat adapters overrides this check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["maillage"]
CMD ["run"]
