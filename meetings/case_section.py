"""The case page's "Network meetings" section, which meetings adds to pathways' case page
(pathways.cases.sections)."""

from typing import Any

from agencies.models import Membership, Role
from meetings.selectors import case_meetings
from pathways.cases.sections import CaseSection, Place
from pathways.models import Case
from referrals.selectors import ClientAccess


def _context(case: Case, access: ClientAccess, membership: Membership | None) -> dict[str, Any]:
    return {
        "case": case,
        "meetings": list(case_meetings(case=case, agency=access.agency)),
        "may_schedule": membership is not None
        and membership.role == Role.COORDINATOR
        and membership.agency_id == access.agency.pk,
    }


SECTION = CaseSection(
    key="meetings",
    place=Place.AFTER_TIMELINE,
    template="meetings/_case_meetings.html",
    context=_context,
)
