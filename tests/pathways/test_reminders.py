import datetime
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies.models import EmailDelivery
from core.dates import today
from notifications.models import Notification, ReminderClaim
from notifications.services import notification_email_send
from pathways.cases.notification_kinds import CaseNotificationKind
from pathways.cases.services import release_case_start
from pathways.models import Case, CaseStage, StageStatus
from plans.reminders import reminders_scan_all
from referrals.models import ReferralStatus
from referrals.notification_kinds import ReferralNotificationKind

from ..factories import ClientFactory, SentReferralFactory, agency, demo_people, user

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def people():
    """The demo's people: the agencies that the paths' stages and referrals fall to, their
    members and contact persons. (Transactional tests here: no module world.)"""
    demo_people()


def start_case(days_to_release: int) -> Case:
    return release_case_start(
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        client=ClientFactory(),
        rise_unit=agency("rise-prison"),
        expected_date=today() + days_to_release * DAY,
        release_type="conditional",
        municipality_after=agency("tym-oulu").employment_area.municipalities.get(name_fi="Oulu"),
    )


def notes(case: Case, kind: str | None = None):
    found = Notification.objects.filter(url=reverse("case-detail", args=[case.public_id]))
    return found.filter(kind=kind) if kind else found


def test_release_countdown_reaches_the_rise_contact_person_once():
    case = start_case(90)
    reminders_scan_all(today=today())
    countdown = notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS)
    assert [n.recipient.username for n in countdown] == ["rise.oulu"]
    assert countdown.get().params["date"] == case.anchor_date.isoformat()
    assert reminders_scan_all(today=today()) == 0
    assert notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).count() == 1


def test_missed_scans_catch_up_within_the_window():
    case = start_case(85)  # three months before was five days ago
    reminders_scan_all(today=today())
    assert notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).get().due_on == today() - 5 * DAY


def test_a_stage_window_opening_reaches_the_responsible_agency():
    case = start_case(90)  # job seeking (employment area) opens 90 days before release
    reminders_scan_all(today=today())
    opens = notes(case, CaseNotificationKind.STAGE_OPENS)
    stage_names = {n.params["stage"]["en"] for n in opens}
    assert "Job seeking starts" in stage_names
    job_seeking = opens.filter(params__stage__en="Job seeking starts")
    tym = {m.user.username for m in agency("tym-oulu").memberships.all()}
    assert {n.recipient.username for n in job_seeking} <= tym
    assert job_seeking.exists()


def test_a_stage_done_is_not_reminded_and_an_open_one_goes_overdue():
    case = start_case(29)  # job seeking (-90…-30) closed yesterday
    stage = CaseStage.objects.get(case=case, stage__name_en="Job seeking starts")
    reminders_scan_all(today=today())
    assert (
        notes(case, CaseNotificationKind.STAGE_OVERDUE)
        .filter(params__stage__en="Job seeking starts")
        .exists()
    )
    other = start_case(29)
    CaseStage.objects.filter(case=other, stage=stage.stage).update(status=StageStatus.DONE)
    reminders_scan_all(today=today())
    assert (
        not notes(other, CaseNotificationKind.STAGE_OVERDUE)
        .filter(params__stage__en="Job seeking starts")
        .exists()
    )


def test_moving_the_release_date_reschedules_the_reminders():
    case = start_case(95)
    reminders_scan_all(today=today())
    assert not notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).exists()
    # The release moves five days earlier: three months before is today.
    Case.objects.filter(pk=case.pk).update(anchor_date=case.anchor_date - 5 * DAY)
    reminders_scan_all(today=today())
    assert notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).get().due_on == today()
    # The old date's reminder, due in five days, does not come any more.
    reminders_scan_all(today=today() + 5 * DAY)
    assert notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).count() == 1


def test_a_worker_dying_mid_scan_loses_and_repeats_nothing(monkeypatch):
    cases = [start_case(90) for _ in range(4)]
    monkeypatch.setattr("notifications.services.BATCH_SIZE", 3)
    real = Notification.objects.bulk_create
    calls = {"n": 0}

    def dies_on_the_second_batch(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(Notification.objects, "bulk_create", dies_on_the_second_batch)
    with pytest.raises(SystemExit):
        reminders_scan_all(today=today())
    monkeypatch.setattr(Notification.objects, "bulk_create", real)
    reminders_scan_all(today=today())
    reminders_scan_all(today=today())
    per_reminder = Counter(
        (n.kind, n.url, n.recipient_id, n.due_on, n.params.get("stage", {}).get("en"))
        for case in cases
        for n in notes(case)
    )
    assert per_reminder
    assert set(per_reminder.values()) == {1}
    for case in cases:
        assert notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_deliver_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are proven on PostgreSQL (CI runs it)")
    cases = [start_case(90) for _ in range(3)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            barrier.wait()
            reminders_scan_all(today=today())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for case in cases:
        assert notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).count() == 1
    keys = ReminderClaim.objects.values_list("kind", "subject", "due_on")
    assert len(keys) == len(set(keys))


def sent_on(day: datetime.date, **kwargs):
    referral = SentReferralFactory(**kwargs)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    type(referral).objects.filter(pk=referral.pk).update(sent_at=at)
    return referral


def referral_notes(referral, kind):
    return Notification.objects.filter(
        url=reverse("referral-detail", args=[referral.public_id]), kind=kind
    )


def test_escalation_after_five_business_days_across_christmas():
    # Sent on Monday 21.12.2026; 24.-26.12 are holidays and 27.12 a Sunday, so the five
    # business days are 22, 23, 28, 29 and 30.12: escalation is due on 31.12.
    referral = sent_on(datetime.date(2026, 12, 21))
    reminders_scan_all(today=datetime.date(2026, 12, 30))
    assert not referral_notes(referral, ReferralNotificationKind.REFERRAL_ESCALATED).exists()
    reminders_scan_all(today=datetime.date(2026, 12, 31))
    escalated = referral_notes(referral, ReferralNotificationKind.REFERRAL_ESCALATED)
    coordinators = {
        m.user_id for m in referral.recipient_agency.memberships.filter(role="coordinator")
    }
    assert coordinators
    assert {n.recipient_id for n in escalated} >= coordinators
    assert escalated.first().due_on == datetime.date(2026, 12, 31)
    # Three business days without opening: 22, 23 and 28.12; the reminder came on 29.12.
    not_opened = referral_notes(referral, ReferralNotificationKind.REFERRAL_NOT_OPENED).get()
    assert not_opened.due_on == datetime.date(2026, 12, 29)


def test_an_opened_referral_is_not_reminded_but_still_escalates():
    referral = sent_on(datetime.date(2026, 12, 21))
    type(referral).objects.filter(pk=referral.pk).update(status=ReferralStatus.OPENED)
    reminders_scan_all(today=datetime.date(2026, 12, 31))
    assert not referral_notes(referral, ReferralNotificationKind.REFERRAL_NOT_OPENED).exists()
    assert referral_notes(referral, ReferralNotificationKind.REFERRAL_ESCALATED).exists()


def test_immediate_email_goes_once_and_digest_users_wait(django_capture_on_commit_callbacks):
    rise = user("rise.oulu")
    rise.email = "rise.oulu@example.fi"
    rise.email_delivery = EmailDelivery.IMMEDIATE
    rise.save()
    case = start_case(90)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders_scan_all(today=today())
    assert callbacks
    notification = notes(case, CaseNotificationKind.RELEASE_IN_3_MONTHS).get()
    mail.outbox.clear()
    assert notification_email_send(notification_id=notification.pk)
    assert not notification_email_send(notification_id=notification.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rise.oulu@example.fi"]
    assert reverse("case-detail", args=[case.public_id]) in message.body
    assert case.client.last_name not in message.body


@pytest.mark.realworker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_one_notification_per_due_reminder(celery_queue):
    from celery.contrib.testing.worker import start_worker

    from agencies.models import User
    from config.celery import app as celery_app
    from plans.tasks import reminders_scan_task

    # No e-mail tasks: they would go to the default queue, outside this test's worker.
    User.objects.update(email_delivery=EmailDelivery.OFF)
    cases = [start_case(days) for days in (90, 60, 30, 7)]
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[celery_queue],
    ):
        # Enqueued twice at once, as two beats or a beat and a retry would.
        results = [reminders_scan_task.apply_async(queue=celery_queue) for _ in range(2)]
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and ReminderClaim.objects.filter(kind=CaseNotificationKind.RELEASE_IN_1_WEEK).count()
            < 1
        ):
            time.sleep(0.2)
        time.sleep(1)  # let the second scan finish too
    assert len(results) == 2
    kinds = [
        CaseNotificationKind.RELEASE_IN_3_MONTHS,
        CaseNotificationKind.RELEASE_IN_2_MONTHS,
        CaseNotificationKind.RELEASE_IN_1_MONTH,
        CaseNotificationKind.RELEASE_IN_1_WEEK,
    ]
    for case, kind in zip(cases, kinds, strict=True):
        assert notes(case, kind).count() == 1
    per_reminder = Counter(
        (n.kind, n.url, n.recipient_id, n.due_on, str(n.params)) for n in Notification.objects.all()
    )
    assert set(per_reminder.values()) == {1}
