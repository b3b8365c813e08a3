from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from referrals.selectors import referral_unread_count


def inbox(request: HttpRequest) -> dict[str, object]:
    """The unread count in the navigation, counted only when a page shows it."""
    acting = getattr(request, "acting", None)

    def count() -> int:
        agency = acting.agency if acting is not None else None
        return referral_unread_count(agency=agency) if agency is not None else 0

    return {"inbox_unread": SimpleLazyObject(count)}
