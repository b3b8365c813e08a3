"""The case page's links to the assessment and the plan, which plans adds to pathways'
case page (pathways.cases.sections)."""

from typing import Any

from agencies.models import Membership
from pathways.cases.sections import CaseSection, Place
from pathways.models import Case
from referrals.selectors import ClientAccess


def _context(case: Case, access: ClientAccess, membership: Membership | None) -> dict[str, Any]:
    return {"case": case}


SECTION = CaseSection(
    key="planning",
    place=Place.BEFORE_STAGES,
    template="plans/_case_planning.html",
    context=_context,
)
