"""The case page's "Network meetings" section. A template tag, because the case page
belongs to pathways, which must not import the meetings app above it."""

from typing import Any

from django import template

from agencies.models import Role
from meetings.selectors import case_meetings
from pathways.models import Case
from referrals.selectors import ClientAccess

register = template.Library()


@register.inclusion_tag("meetings/_case_meetings.html", takes_context=True)
def case_meetings_section(
    context: dict[str, Any], case: Case, access: ClientAccess
) -> dict[str, Any]:
    request = context["request"]
    membership = getattr(getattr(request, "acting", None), "membership", None)
    return {
        "case": case,
        "meetings": list(case_meetings(case=case, agency=access.agency)),
        "may_schedule": membership is not None
        and membership.role == Role.COORDINATOR
        and membership.agency_id == access.agency.pk,
    }
