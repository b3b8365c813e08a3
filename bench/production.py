"""Production settings for the benchmarks, as a deployment runs them: no template
debugging, compressed and fingerprinted static files, and throwaway keys (the data is
synthetic)."""

import os


def production_environment() -> None:
    os.environ.update(
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "YmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtYmVuY2gtYmU=")
    os.environ.setdefault("DEMO_PASSWORD", "bench-demo-password")
    os.environ.setdefault("BLIND_INDEX_KEY", "bench-blind-index-key-" + "k" * 20)
