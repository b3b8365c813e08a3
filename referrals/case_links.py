"""What the referral and client pages show of the client's paths, which live in pathways
above this app.

Referrals never import pathways. Pathways registers a `PathReader` here when the app loads
(AppConfig.ready()); the referral views ask these functions, and the templates render the
plain values below. With no reader registered (a test of this app alone), a page simply
shows no path.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from referrals.models import Referral
from referrals.selectors import ClientAccess


@dataclass(frozen=True)
class CaseRef:
    """A case as a notification names it: its public id and its reference, neither of
    them personal data."""

    public_id: UUID
    reference: str


@dataclass(frozen=True)
class CaseLink:
    """A link to a case page that the viewing agency may open."""

    public_id: UUID
    reference: str
    name: str  # the path's name in the active language
    closed: bool = False


@dataclass(frozen=True)
class ChecklistEntry:
    text: str
    done: bool


@dataclass(frozen=True)
class NextStep:
    """The stage of the path that is now the viewing agency's, for the referral page.

    `stage` is empty when no stage of the path waits for the agency. The window's dates
    are None when the release date is withheld from the agency (`window_withheld`)."""

    stage: str = ""
    status: str = ""
    status_label: str = ""
    opens: date | None = None
    closes: date | None = None
    state: str = ""  # "upcoming", "open" or "past"; empty when the window is not shown
    overdue: bool = False
    window_withheld: bool = False
    checklist: list[ChecklistEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ReferralPath:
    """The case a referral belongs to, and for its accepting agency, what comes next."""

    case: CaseLink
    next_step: NextStep | None = None


@dataclass(frozen=True)
class PathReader:
    """The reads pathways answers for the referral pages and reminders.

    referral_path   (referral, viewer's access to its client) -> the referral's case with
                    the next step when the viewer accepted it, or None without a case
    client_paths    (viewer's access to a client) -> the client's cases it may open
    referral_cases  (referrals) -> referral pk -> its case, for the referral reminders;
                    a fixed number of queries however many referrals there are
    """

    referral_path: Callable[[Referral, ClientAccess], ReferralPath | None]
    client_paths: Callable[[ClientAccess], list[CaseLink]]
    referral_cases: Callable[[Sequence[Referral]], dict[int, CaseRef]]


_readers: list[PathReader] = []


def path_reader_register(reader: PathReader) -> None:
    """Called once by a higher app's AppConfig.ready()."""
    if reader not in _readers:
        _readers.append(reader)


def referral_path(*, referral: Referral, access: ClientAccess | None) -> ReferralPath | None:
    """The referral's case as the viewer may see it: None when it has no case, or when the
    viewer may not open its client (and so not its case either)."""
    if access is None:
        return None
    for reader in _readers:
        found = reader.referral_path(referral, access)
        if found is not None:
            return found
    return None


def client_paths(*, access: ClientAccess) -> list[CaseLink]:
    return [link for reader in _readers for link in reader.client_paths(access)]


def referral_cases(*, referrals: Sequence[Referral]) -> dict[int, CaseRef]:
    found: dict[int, CaseRef] = {}
    for reader in _readers:
        for pk, ref in reader.referral_cases(referrals).items():
            found.setdefault(pk, ref)
    return found
