"""Notifications say which case: every case notification carries the case's reference and
public id; the in-app list names the client where the user's agency may see the identity
and shows the reference otherwise; e-mails carry the reference and the link, never the
name."""

import datetime
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agencies.models import EmailDelivery, User
from core.dates import today
from meetings.notification_kinds import MeetingNotificationKind
from meetings.services import InviteeSpec, meeting_schedule
from notifications.models import Notification
from notifications.services import digest_send, notification_email_send
from notifications.texts import case_params, notification_case_line, notification_text
from pathways.cases.notification_kinds import CaseNotificationKind
from pathways.models import Case
from plans.notification_kinds import PlanNotificationKind
from plans.reminders import reminders_scan_all
from referrals.models import Referral, UseLogEntry
from referrals.services import referral_create

from ..factories import agency, basis, categories, demo_people, mikko_case, mikko_planned, user
from ..pathways.path_helpers import oulu_case, refer
from .helpers import notify
from .outbox_helpers import outbox_deliver

pytestmark = pytest.mark.django_db
REFERENCE = "P-7K3MQ9XZ"


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan."""
    module_world(demo_people)
    module_world(mikko_planned)


def mikkos_case() -> Case:
    return mikko_case()


def about(case: Case) -> dict[str, str]:
    return case_params(public_id=case.public_id, reference=case.reference)


def make(params: object) -> Notification:
    return Notification(
        kind=CaseNotificationKind.RELEASE_IN_2_MONTHS,
        params=params,
        url="/cases/x/",
        due_on=datetime.date(2027, 2, 1),
    )


def test_the_reference_line_in_every_language():
    notification = make({"date": "2027-02-01", "ref": REFERENCE, "case": "x"})
    with translation.override("en"):
        assert notification_case_line(notification) == f"Path {REFERENCE}"
        assert notification_text(notification) == "A client's release is in two months (1.2.2027)."
    for language in ("fi", "sv"):
        with translation.override(language):
            assert REFERENCE in notification_case_line(notification)


@pytest.mark.parametrize("params", [{}, None, {"ref": ""}, {"ref": "<b>x</b>"}, {"ref": 7}])
def test_notifications_without_a_good_reference_still_render(params):
    notification = make(params)
    assert notification_case_line(notification) == ""
    assert notification_text(notification).strip()


def test_case_reminders_carry_the_reference_and_the_case():
    case = oulu_case(90)
    reminders_scan_all(today=today())
    countdown = Notification.objects.get(
        kind=CaseNotificationKind.RELEASE_IN_3_MONTHS,
        url=reverse("case-detail", args=[case.public_id]),
    )
    assert countdown.params["ref"] == case.reference
    assert countdown.params["case"] == str(case.public_id)


def test_referral_reminders_carry_the_case_of_the_referral():
    case = oulu_case(75)
    referral = refer(case)
    free = referral_create(
        client=case.client,
        sender=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency("tym-oulu"),
        recipient_person=user("tym.oulu"),
        basis=basis("1301-2021-28"),
        categories=categories("identity"),
        message="Vapaa lähete",
    )
    sent = timezone.now() - timedelta(days=14)
    Referral.objects.filter(pk__in=[referral.pk, free.pk]).update(sent_at=sent)
    reminders_scan_all(today=today())
    waiting = Notification.objects.filter(url=reverse("referral-detail", args=[referral.public_id]))
    assert waiting.exists()
    for notification in waiting:
        assert notification.params["ref"] == case.reference
        assert notification.params["case"] == str(case.public_id)
    # A referral without a case names none: only its own page.
    unlinked = Notification.objects.filter(url=reverse("referral-detail", args=[free.public_id]))
    assert unlinked.exists()
    assert all("ref" not in n.params for n in unlinked)


def test_meeting_notifications_carry_the_case():
    case = mikkos_case()
    with mock.patch("meetings.tasks.invitations_send.delay"):
        schedule(case)
    invitation = Notification.objects.get(
        kind=MeetingNotificationKind.MEETING_INVITATION, recipient=user("tym.oulu")
    )
    assert invitation.params["ref"] == case.reference
    assert invitation.params["case"] == str(case.public_id)


def schedule(case: Case) -> None:
    meeting_schedule(
        case=case,
        organiser=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        title="Verkostopalaveri",
        starts_at=timezone.now() + timedelta(days=7),
        duration_minutes=60,
        place="Neuvotteluhuone",
        video_url="",
        agenda="",
        invitees=[InviteeSpec(agency=agency("tym-oulu"), person=user("tym.oulu"))],
    )


def test_the_list_names_the_client_where_the_agency_may_see_it(login):
    case = mikkos_case()
    name = f"{case.client.first_name} {case.client.last_name}"
    for username in ("tym.oulu", "tym.tampere", "priima.butti", "tietosuoja"):
        notify(user(username), params={"date": "2027-02-01", **about(case)}, url="/x/")
    # Oulun seutu (§28 identity) sees the name; Tampere, Priima Butti and the data
    # protection officer (no client work) see the reference only.
    tym = login("tym.oulu").get(reverse("notification-list"))
    row = tym.context["rows"][0]
    assert row.client == name
    assert name in tym.content.decode()
    assert case.reference in tym.content.decode()
    for username in ("tym.tampere", "priima.butti", "tietosuoja"):
        response = login(username).get(reverse("notification-list"))
        row = response.context["rows"][0]
        assert row.client == ""
        assert case.client.last_name not in response.content.decode()
        assert case.reference in response.content.decode()
    # The name shown is use-logged; the reference is not personal data.
    logged = UseLogEntry.objects.filter(path=reverse("notification-list"), client=case.client)
    assert [entry.user.username for entry in logged] == ["tym.oulu"]


def test_old_notifications_without_a_case_still_render(login):
    notify(user("tym.oulu"), params={"date": "2027-02-01"}, kind=PlanNotificationKind.PLAN_DUE)
    notify(user("tym.oulu"), params={"case": "not-a-uuid", "ref": "??"})
    response = login("tym.oulu").get(reverse("notification-list"))
    assert response.status_code == 200
    assert [(row.client, row.case_line) for row in response.context["rows"]] == [("", "")] * 2


def test_one_query_names_every_case_of_the_page(login):
    cases = [oulu_case(60 + days) for days in range(5)]
    for case in cases:
        refer(case)
    client = login("tym.oulu")

    def case_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notification-list")).status_code == 200
        return [q["sql"] for q in captured.captured_queries if "pathways_case" in q["sql"]]

    notify(user("tym.oulu"), params=about(cases[0]))
    assert len(case_queries()) == 1
    for case in cases * 4:
        notify(user("tym.oulu"), params=about(case))
    assert len(case_queries()) == 1
    rows = client.get(reverse("notification-list")).context["rows"]
    assert all(row.client for row in rows)


def test_the_email_carries_the_reference_and_the_link_and_no_name(personas):
    case = mikkos_case()
    person = user("tym.oulu")
    User.objects.filter(pk=person.pk).update(email_delivery=EmailDelivery.IMMEDIATE)
    notification = notify(person, kind=CaseNotificationKind.RELEASE_IN_1_MONTH, url="/cases/x/")
    notification.params = {"date": "2027-02-01", **about(case)}
    notification.url = reverse("case-detail", args=[case.public_id])
    notification.save()
    mail.outbox.clear()
    assert notification_email_send(notification_id=notification.pk)
    body = mail.outbox[0].body
    assert case.reference in body
    assert f"{settings.POLKU_BASE_URL}{notification.url}" in body
    for private in (case.client.first_name, case.client.last_name):
        assert private not in body
        assert private not in mail.outbox[0].subject


def test_the_digest_carries_each_reference(personas):
    case = mikkos_case()
    person = user("tym.oulu")
    User.objects.filter(pk=person.pk).update(email_delivery=EmailDelivery.DAILY)
    notify(person, params={"date": "2027-02-01", **about(case)})
    notify(person, params={"date": "2027-02-01"})  # about no case
    mail.outbox.clear()
    assert digest_send(user_id=person.pk) == 2
    assert outbox_deliver() == ["sent"]  # the digest goes through the outbox
    body = mail.outbox[0].body
    assert body.count(case.reference) == 1
    assert case.client.last_name not in body
