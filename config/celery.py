import os
from logging.config import dictConfig
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("polku")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_development_secrets(**kwargs: Any) -> None:
    """A worker or beat in production with a development key stops before its first task.
    Celery logs and swallows a receiver's exceptions, so this one leaves by SystemExit."""
    from django.core.exceptions import ImproperlyConfigured

    from security.checks import development_secrets_refuse

    try:
        development_secrets_refuse()
    except ImproperlyConfigured as error:
        raise SystemExit(str(error)) from error


@signals.setup_logging.connect
def _django_logging(**kwargs: Any) -> None:
    """The worker and beat log through settings.LOGGING, personal-data filter and all,
    instead of replacing the root logger's handlers with Celery's own."""
    from django.conf import settings

    dictConfig(settings.LOGGING)


def _ensure_filesystem_broker_folders() -> None:
    # The filesystem transport fails on a missing folder instead of creating it.
    options = app.conf.broker_transport_options or {}
    if str(app.conf.broker_url).startswith("filesystem:"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                os.makedirs(options[key], exist_ok=True)


_ensure_filesystem_broker_folders()
