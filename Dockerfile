# One image for the web, worker and beat processes.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# DejaVu Sans: the client log report's PDF needs a font with every Finnish and Swedish letter.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.lock ./
RUN pip install -r requirements.lock && useradd --system --uid 1000 --home /app polku

COPY . .
# collectstatic needs settings that load; these values exist only during the build.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only-build-only-build-only-build-only-build-only \
    DJANGO_ALLOWED_HOSTS=build FIELD_ENCRYPTION_KEYS=aW1hZ2UtYnVpbGQtb25seS1ub3QtYS1yZWFsLWtleSE= \
    BLIND_INDEX_KEY=image-build-only-not-a-real-blind-index-key python manage.py collectstatic --noinput \
    && mkdir -p var && chown -R polku var

USER polku
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
