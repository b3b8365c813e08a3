import datetime

import pytest
from django.urls import reverse

from core.dates import today
from notifications.models import Notification
from pathways.cases.notification_kinds import CaseNotificationKind
from pathways.kela.services import kela_guidance_start
from pathways.models import Case, CaseOutcome, PathwayTemplate
from plans.reminders import reminders_scan_all
from referrals.models import Client

from ..factories import agency, demo_people, jari_case, user

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and Jari Niskanen, whom Oulu prison referred to Kela under §27."""
    module_world(demo_people)
    module_world(jari_case)


def jari() -> Client:
    # The demo grants Kela §27 access to Jari Niskanen.
    return jari_case().client


def test_kela_starts_the_path_from_the_client_page_and_is_sent_to_refer(login):
    client = login("kela.pohjoinen")
    page = client.get(reverse("client-detail", args=[jari().public_id]))
    start = reverse("kela-guidance-start", args=[jari().public_id])
    assert start in page.content.decode()
    response = client.post(start, {"instructed_on": today().isoformat()})
    case = Case.objects.get(client=jari(), template__code=PathwayTemplate.KELA_GUIDANCE)
    assert response["Location"] == reverse("referral-new", args=[jari().public_id])
    assert case.anchor_date == today()
    assert case.started_by == agency("kela")
    stages = list(case.stages.select_related("stage", "responsible_agency"))
    assert [s.stage.responsible_kind for s in stages] == [
        "kela",
        "kela",
        "employment_area",
        "kela",
    ]
    assert stages[2].responsible_agency == agency("tym-oulu")
    # A second click gets the same path, not another.
    client.post(start, {"instructed_on": today().isoformat()})
    assert Case.objects.filter(client=jari(), template__code="kela-guidance").count() == 1


def test_the_instruction_date_is_checked_on_its_field(login):
    client = login("kela.pohjoinen")
    start = reverse("kela-guidance-start", args=[jari().public_id])
    for day in (today() + DAY, today() - 40 * DAY):
        response = client.post(start, {"instructed_on": day.isoformat()})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Case.objects.filter(client=jari(), template__code="kela-guidance").exists()


def test_only_kela_starts_it(login):
    response = login("tym.oulu").get(reverse("kela-guidance-start", args=[jari().public_id]))
    assert response.status_code == 403


def test_deadline_reminders_at_two_and_three_weeks_and_when_passed():
    case = kela_guidance_start(
        agency=agency("kela"), user=user("kela.pohjoinen"), client=jari(), instructed_on=today()
    )
    url = reverse("case-detail", args=[case.public_id])
    reminders_scan_all(today=today() + 14 * DAY)
    two_weeks = Notification.objects.filter(url=url, kind=CaseNotificationKind.STAGE_REMINDER)
    assert two_weeks.exists()
    assert {n.due_on for n in two_weeks} == {today() + 14 * DAY}
    reminders_scan_all(today=today() + 21 * DAY)
    assert {n.due_on for n in two_weeks.all()} == {today() + 14 * DAY, today() + 21 * DAY}
    reminders_scan_all(today=today() + 31 * DAY)
    passed = Notification.objects.filter(url=url, kind=CaseNotificationKind.STAGE_OVERDUE)
    assert any(n.due_on == today() + 31 * DAY for n in passed)
    tym = {m.user_id for m in agency("tym-oulu").memberships.all()}
    assert {n.recipient_id for n in two_weeks.all()} <= tym


def test_outcome_reasonableness_needs_a_note(login):
    case = kela_guidance_start(
        agency=agency("kela"), user=user("kela.pohjoinen"), client=jari(), instructed_on=today()
    )
    client = login("kela.pohjoinen")
    url = reverse("case-outcome", args=[case.public_id])
    response = client.post(url, {"outcome": CaseOutcome.REASONABLENESS, "note": " "})
    assert response.status_code == 200
    assert response.context["form"].has_error("note", code="required")
    case.refresh_from_db()
    assert case.outcome == ""
    response = client.post(url, {"outcome": CaseOutcome.REGISTERED, "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == CaseOutcome.REGISTERED
    assert login("tym.oulu").get(url).status_code == 200
    assert login("rise.oulu").get(url).status_code == 403  # sees the client, not the outcome
    assert login("tym.tampere").get(url).status_code == 404


def test_the_guidance_case_page_offers_the_referral_and_the_outcome(login):
    case = kela_guidance_start(
        agency=agency("kela"), user=user("kela.pohjoinen"), client=jari(), instructed_on=today()
    )
    page = login("kela.pohjoinen").get(reverse("case-detail", args=[case.public_id]))
    html = page.content.decode()
    assert reverse("referral-new", args=[jari().public_id]) in html
    assert reverse("case-outcome", args=[case.public_id]) in html
    referral_form = login("kela.pohjoinen").get(reverse("referral-new", args=[jari().public_id]))
    form = referral_form.context["form"]
    assert form.initial["recipient_agency"] == agency("tym-oulu")
    assert form.initial["basis"].code == "381-2023-15"
