"""Sections that the apps above pathways add to the case page: the assessment and plan
(plans), the network meetings (meetings). Pathways names none of them; each app registers
its section in its AppConfig.ready(), and the case page includes what is registered."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from agencies.models import Membership
from pathways.models import Case
from referrals.selectors import ClientAccess


class Place(Enum):
    """Where on the case page a section stands."""

    BEFORE_STAGES = "before_stages"
    AFTER_TIMELINE = "after_timeline"


@dataclass(frozen=True)
class CaseSection:
    key: str
    place: Place
    template: str
    # Given the case, what the acting agency may see of it and the acting membership,
    # the context the section's template reads as `section`.
    context: Callable[[Case, ClientAccess, Membership | None], dict[str, Any]]


@dataclass(frozen=True)
class SectionContent:
    template: str
    context: dict[str, Any]


_SECTIONS: dict[str, CaseSection] = {}


def case_section_register(section: CaseSection) -> None:
    """Add (or, registered again under the same key, replace) a case-page section."""
    _SECTIONS[section.key] = section


def case_sections_build(
    *, case: Case, access: ClientAccess, membership: Membership | None, place: Place
) -> list[SectionContent]:
    return [
        SectionContent(template=section.template, context=section.context(case, access, membership))
        for section in _SECTIONS.values()
        if section.place is place
    ]
