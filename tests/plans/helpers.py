"""Cases, plans and look-ups shared by the plans tests."""

import datetime

from core.dates import today
from pathways.cases.services import release_case_start
from pathways.models import Case
from plans.models import Assessment, EmploymentPlan
from plans.services import plan_start

from ..factories import ClientFactory, SentReferralFactory, agency, categories, mikko_planned, user

DAY = datetime.timedelta(days=1)
SECTION_28 = ("identity", "release", "health", "service_needs")


def mikko() -> Case:
    """The demo's Mikko Mäkinen: §28 to Oulun seutu, consent (service needs) to the county;
    plans/demo.py gave him an assessment and a plan with a signed-off version."""
    return mikko_planned()


def new_case(*, days_to_release: int = 60, codes: tuple[str, ...] = SECTION_28) -> Case:
    """A new release path in Oulu, referred to Oulun seutu under §28 with `codes`."""
    case = release_case_start(
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        client=ClientFactory(),
        rise_unit=agency("rise-prison"),
        expected_date=today() + days_to_release * DAY,
        release_type="conditional",
        municipality_after=agency("tym-oulu").employment_area.municipalities.get(name_fi="Oulu"),
    )
    SentReferralFactory(client=case.client, categories=categories(*codes), release=case.release)
    return case


def new_plan(case: Case | None = None) -> EmploymentPlan:
    case = case or new_case()
    plan = plan_start(case=case, user=user("tym.oulu"), agency=agency("tym-oulu"))
    plan.case = case
    return plan


def plan_of(case: Case) -> EmploymentPlan:
    plan = EmploymentPlan.objects.get(case=case)
    plan.case = case
    return plan


def assessment_of(case: Case) -> Assessment:
    return Assessment.objects.get(case=case)
