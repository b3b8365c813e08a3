from django.conf import settings

from agencies.models import User


def feedback_recipients() -> list[str]:
    """Who hears of new feedback: POLKU_ACCESSIBILITY_FEEDBACK_EMAIL, else the ADMINS,
    else every active superuser with an address."""
    if settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL:
        return list(settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL)
    admins = [address for _name, address in settings.ADMINS if address]
    if admins:
        return admins
    return list(
        User.objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
