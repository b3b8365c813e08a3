from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from referrals.selectors import referral_unread_count


def inbox(request: HttpRequest) -> dict[str, object]:
    """The unread count in the navigation, counted only when a page shows it."""
    acting = getattr(request, "acting", None)

    def count() -> int:
        if acting is None or acting.agency is None or not acting.works_with_clients:
            return 0
        return referral_unread_count(agency=acting.agency)

    return {"inbox_unread": SimpleLazyObject(count)}
