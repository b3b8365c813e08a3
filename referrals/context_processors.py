from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from referrals.selectors import navigation_unread_counts


def inbox(request: HttpRequest) -> dict[str, object]:
    """The unread referrals and notifications in the navigation: both in one query, run
    only when a page shows either of them."""
    acting = getattr(request, "acting", None)
    user = getattr(request, "user", None)

    def counts() -> tuple[int, int]:
        if user is None or not user.is_authenticated:
            return 0, 0
        if acting is None or acting.agency is None or not acting.works_with_clients:
            return navigation_unread_counts(user=user, agency=None)
        return navigation_unread_counts(user=user, agency=acting.agency)

    both = SimpleLazyObject(counts)
    return {
        "inbox_unread": SimpleLazyObject(lambda: both[0]),
        "notifications_unread": SimpleLazyObject(lambda: both[1]),
    }
