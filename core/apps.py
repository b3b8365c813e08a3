from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The base of every app: helpers that know no model of Polku."""

    name = "core"
    verbose_name = _("Core")
