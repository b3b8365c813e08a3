import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("polku")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folders() -> None:
    # The filesystem transport fails on a missing folder instead of creating it.
    options = app.conf.broker_transport_options or {}
    if str(app.conf.broker_url).startswith("filesystem:"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                os.makedirs(options[key], exist_ok=True)


_ensure_filesystem_broker_folders()
