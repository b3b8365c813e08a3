from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = _("Login security")

    def ready(self) -> None:
        from security import checks, receivers  # noqa: F401  (registers the checks and receivers)
