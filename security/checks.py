from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security)
def two_factor_required_in_production(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Client data behind a password alone is not enough outside development."""
    if settings.DEBUG or settings.POLKU_REQUIRE_2FA:
        return []
    return [
        Warning(
            "Two-factor login is off (POLKU_REQUIRE_2FA=false) while DEBUG is false.",
            hint="Set POLKU_REQUIRE_2FA=true, or leave it unset: it is on by default in "
            "production.",
            id="polku.W001",
        )
    ]
