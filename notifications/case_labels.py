"""The in-app list names the case a notification is about: the client's name where the
user's agency may see the client's identity, otherwise the case's reference.

Notifications know only users, so the app that knows cases (pathways) registers a
labeller here when it loads. A labeller gets every case id of a page at once and answers
in one read; it also writes the use log of the names it gives (Act 703/2023 §10), since
the page shows them.
"""

from collections.abc import Callable, Collection

from agencies.models import Agency, User

# (user, acting agency, case public ids as text, request path) -> case id -> the name
CaseLabeller = Callable[[User, Agency, Collection[str], str], dict[str, str]]

_labellers: list[CaseLabeller] = []


def case_labeller_register(labeller: CaseLabeller) -> None:
    """Called once by a higher app's AppConfig.ready()."""
    if labeller not in _labellers:
        _labellers.append(labeller)


def case_names(
    *, user: User, agency: Agency | None, case_ids: Collection[str], path: str
) -> dict[str, str]:
    """Case public id -> the client's name, for the cases whose client's identity
    `agency` may see now. A user acting for no client-work agency sees no names."""
    if agency is None or not case_ids:
        return {}
    names: dict[str, str] = {}
    for labeller in _labellers:
        for case_id, name in labeller(user, agency, case_ids, path).items():
            names.setdefault(case_id, name)
    return names
