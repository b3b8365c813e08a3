from typing import cast

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from agencies.models import User
from worklist.selectors import WorklistCounts, worklist_counts_cached


def worklist(request: HttpRequest) -> dict[str, object]:
    """The worklist's counts in the navigation: kept from the worklist page or counted in
    one statement, run only when a page shows them (the worklist page passes its own)."""
    acting = getattr(request, "acting", None)
    user = getattr(request, "user", None)

    def counts() -> WorklistCounts:
        if user is None or not user.is_authenticated:
            return WorklistCounts()
        if acting is None or acting.agency is None or not acting.works_with_clients:
            return WorklistCounts()
        return worklist_counts_cached(
            user=cast(User, user), agency=acting.agency, today=timezone.localdate()
        )

    return {"worklist_counts": SimpleLazyObject(counts)}
