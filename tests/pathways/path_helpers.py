"""Release paths and their referrals for the tests of the case list, the referral page's
next step and the notifications' case references, built through the services."""

import datetime

from core.dates import today
from pathways.cases.services import release_case_start
from pathways.models import Case
from referrals.models import Client, Referral
from referrals.services import referral_accept, referral_create, referral_open

from ..factories import ClientFactory, agency, basis, categories, oulu_services, user

DAY = datetime.timedelta(days=1)
SECTION_28 = ("identity", "release", "service_needs")


def oulu_case(
    days_to_release: int = 75, *, municipality: str = "Oulu", client: Client | None = None
) -> Case:
    """Oulu prison logs a release; the employment area serving `municipality` answers
    for the path's employment stages."""
    area = "tym-tampere" if municipality == "Tampere" else "tym-oulu"
    oulu_services()
    return release_case_start(
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        client=client or ClientFactory(),
        rise_unit=agency("rise-prison"),
        expected_date=today() + days_to_release * DAY,
        release_type="conditional",
        municipality_after=agency(area).employment_area.municipalities.get(name_fi=municipality),
    )


def refer(
    case: Case,
    *,
    codes: tuple[str, ...] = SECTION_28,
    to: str = "tym-oulu",
    person: str = "tym.oulu",
) -> Referral:
    """Oulu prison sends the §28 referral about the case's release."""
    return referral_create(
        client=case.client,
        sender=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency(to),
        recipient_person=user(person),
        basis=basis("1301-2021-28"),
        categories=categories(*codes),
        message="Testilähete",
        release=case.release,
    )


def accept(referral: Referral, *, person: str = "tym.oulu") -> Referral:
    recipient = referral.recipient_agency
    referral = referral_open(referral=referral, user=user(person), agency=recipient)
    return referral_accept(
        referral=referral, user=user(person), agency=recipient, assignee=user(person)
    )
