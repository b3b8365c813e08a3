from django.apps import AppConfig


class BootstrapConfig(AppConfig):
    """The commands that load every app's defaults and demo data: they sit above all the
    apps, so that no app imports one above it."""

    name = "bootstrap"
    verbose_name = "Defaults and demo data"
