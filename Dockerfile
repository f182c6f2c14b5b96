# Builds MkDocs sites that use mkdocs-notion-sync, e.g. in CI:
#
#   docker build -t mkdocs-notion-sync .
#   docker run --rm -e NOTION_TOKEN -v "$PWD":/docs mkdocs-notion-sync
#
# The site's folder (with mkdocs.yml) is mounted at /docs; the default command is
# `mkdocs build --strict`, and any other mkdocs command can be given instead.
#
# The same image receives Notion's webhook events (docs/webhooks.md) on port 8000,
# behind a TLS proxy, rebuilding the mounted site or asking GitHub to:
#
#   docker run -d -p 127.0.0.1:8000:8000 -e NOTION_TOKEN -e NOTION_WEBHOOK_SECRET \
#     -v "$PWD":/docs --entrypoint mkdocs-notion-sync mkdocs-notion-sync \
#     webhook --host 0.0.0.0 --port 8000 --run "mkdocs build --strict"
#
# (or `--dispatch OWNER/REPO` with -e GITHUB_TOKEN instead of --run).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git: for sites whose mkdocs.yml uses git-based plugins (revision dates, authors).
# Not pinned to a Debian revision (hadolint DL3008): the base image's Debian release
# fixes the version, and a pin would break the build at the next security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

COPY . /src
RUN pip install /src && rm -rf /src

# Run as an unprivileged user. Its uid (1000) matches the first user of most Linux
# hosts; otherwise pass --user "$(id -u):$(id -g)" so site/ and .cache/ are yours.
# USER is numeric so that a runtime can tell it is not root without reading
# /etc/passwd (Kubernetes' runAsNonRoot, for one).
RUN groupadd --gid 1000 mkdocs \
    && useradd --create-home --uid 1000 --gid 1000 --shell /usr/sbin/nologin mkdocs \
    && mkdir -p /docs && chown mkdocs:mkdocs /docs \
    && git config --system --add safe.directory /docs
USER 1000:1000
WORKDIR /docs

# mkdocs serve -a 0.0.0.0:8000, or the webhook receiver (--host 0.0.0.0 --port 8000).
EXPOSE 8000
ENTRYPOINT ["mkdocs"]
CMD ["build", "--strict"]
