"""The sections that plans and meetings add to pathways' case page through
pathways.cases.sections: pathways names neither app, yet the page shows both."""

import pytest

from agencies.models import Membership
from pathways.cases.page_selectors import case_page_build
from pathways.cases.sections import Place, case_sections_build
from pathways.cases.selectors import case_for_agency

from ..factories import agency, user
from .path_helpers import accept, oulu_case, refer

pytestmark = pytest.mark.django_db


def _access(case, key):
    return case_for_agency(agency=agency(key), public_id=case.public_id)


def test_plans_and_meetings_register_their_sections() -> None:
    case = oulu_case(60)
    accept(refer(case))
    case, access = _access(case, "tym-oulu")
    before = case_sections_build(
        case=case, access=access, membership=None, place=Place.BEFORE_STAGES
    )
    after = case_sections_build(
        case=case, access=access, membership=None, place=Place.AFTER_TIMELINE
    )
    assert [section.template for section in before] == ["plans/_case_planning.html"]
    assert [section.template for section in after] == ["meetings/_case_meetings.html"]
    assert after[0].context["case"] == case
    assert after[0].context["may_schedule"] is False


def test_only_the_coordinator_may_schedule_from_the_section(login) -> None:
    case = oulu_case(60)
    accept(refer(case))
    case, access = _access(case, "tym-oulu")
    coordinator = Membership.objects.get(
        agency=agency("tym-oulu"), user=user("koordinaattori.oulu")
    )
    page = case_page_build(case=case, access=access, membership=coordinator)
    assert page.sections_after_timeline[0].context["may_schedule"] is True


def test_the_case_page_shows_both_sections(login) -> None:
    case = oulu_case(60)
    accept(refer(case))
    html = login("tym.oulu").get(f"/cases/{case.public_id}/").content.decode()
    assert f"/cases/{case.public_id}/plan/" in html
    assert 'id="meetings-heading"' in html
    assert html.index('id="planning-heading"') < html.index('id="stages-heading"')
