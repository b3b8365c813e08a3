import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dates import today
from history.models import ChangeRecord
from notifications.models import Notification
from pathways.cases.services import release_case_start
from pathways.models import Case, CaseStatus
from plans.reminders import reminders_scan_all
from referrals.models import Client
from retention.selectors import clients_with_activity

from ..factories import ClientFactory, agency, demo_people, mikko_case, user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and Mikko's path."""
    module_world(demo_people)
    module_world(mikko_case)


def mikkos_case() -> Case:
    return mikko_case()


def test_the_starting_agency_closes_and_reopens_the_path(login):
    case = mikkos_case()
    rise = login("rise.oulu")
    response = rise.post(reverse("case-close", args=[case.public_id]))
    assert response["Location"] == reverse("case-detail", args=[case.public_id])
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at is not None
    assert ChangeRecord.objects.filter(object_id=case.public_id, action="closed").exists()
    # Closing again changes nothing and says so.
    closed_at = case.closed_at
    rise.post(reverse("case-close", args=[case.public_id]))
    case.refresh_from_db()
    assert case.closed_at == closed_at
    rise.post(reverse("case-reopen", args=[case.public_id]))
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.closed_at is None


def test_a_coordinator_of_a_responsible_agency_may_close_a_contact_person_may_not(login):
    case = mikkos_case()
    assert login("tym.oulu").post(reverse("case-close", args=[case.public_id])).status_code == 403
    assert (
        login("tym.tampere").post(reverse("case-close", args=[case.public_id])).status_code == 404
    )
    login("koordinaattori.oulu").post(reverse("case-close", args=[case.public_id]))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_closed_path_sends_no_reminders():
    case = release_case_start(
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        client=ClientFactory(),
        rise_unit=agency("rise-prison"),
        expected_date=today() + datetime.timedelta(days=90),
        release_type="conditional",
        municipality_after=case_municipality(),
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    reminders_scan_all(today=today())
    assert not Notification.objects.filter(url=reverse("case-detail", args=[case.public_id]))


def case_municipality():
    return agency("tym-oulu").employment_area.municipalities.get(name_fi="Oulu")


def test_closing_counts_as_the_last_activity_for_retention(login):
    case = mikkos_case()
    login("rise.oulu").post(reverse("case-close", args=[case.public_id]))
    case.refresh_from_db()
    row = clients_with_activity(Client.objects.filter(pk=case.client_id)).get()
    last_activity, active_case = getattr(row, "last_activity"), getattr(row, "active_case")  # noqa: B009
    assert last_activity >= case.closed_at
    assert not active_case
