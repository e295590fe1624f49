# syntax=docker/dockerfile:1
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=mostwanted.settings.production \
    STATIC_ROOT=/app/var/static \
    VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 mostwanted

WORKDIR /app

# Dependencies in their own layer: only pyproject.toml invalidates it.
COPY pyproject.toml README.md ./
RUN mkdir -p site appeals tips && touch site/__init__.py appeals/__init__.py tips/__init__.py \
    && pip install -e . \
    && rm -rf site appeals tips

COPY . .
RUN pip install --no-deps -e . \
    && SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only-not-secret python manage.py compilemessages --ignore=.venv \
    && mkdir -p /app/var /app/media \
    && chown -R mostwanted:mostwanted /app/var /app/media

USER mostwanted
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

# The access log format (site/gunicorn.conf.py) records no client address.
CMD ["gunicorn", "--config", "site/gunicorn.conf.py", "mostwanted.wsgi:application"]
