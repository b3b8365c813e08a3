"""Scheduling, changing and cancelling a case network meeting, who may be invited, the
answers, and the minutes whose actions go into the employment plan."""

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from core.dates import today
from history.models import ChangeRecord, ObjectKind
from meetings.models import ActionItem, EventStatus, Invitee, Meeting, Rsvp
from meetings.notification_kinds import MeetingNotificationKind
from meetings.services import (
    InviteeSpec,
    invitee_add,
    invitee_remove,
    meeting_cancel,
    meeting_minutes_record,
    meeting_update,
    rsvp_set,
)
from notifications.models import Notification, OutboxMessage
from notifications.texts import notification_subject, notification_text
from plans.models import EmploymentPlan, PlanAction
from referrals.models import ConsentMethod
from referrals.services import consent_record

from ..factories import agency, categories, demo_people, mikko_planned, user
from .meeting_helpers import details_of, local, mikkos_case, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


def as_coordinator() -> dict[str, Any]:
    return {"user": user("koordinaattori.oulu"), "agency": agency("tym-oulu")}


def invitation_rows(meeting: Meeting, sequence: int) -> set[int]:
    rows = OutboxMessage.objects.filter(
        key__startswith=f"invitation:{meeting.public_id}:", key__endswith=f":{sequence}"
    )
    assert rows.count() == 2
    return set(rows.values_list("pk", flat=True))


def dispatched(dispatch: mock.MagicMock) -> set[int]:
    return {c.args[0][0] for c in dispatch.call_args_list}


def error_dict(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[ValidationError]]:
    return excinfo.value.error_dict


# Scheduling ---------------------------------------------------------------------------


def test_scheduling_invites_notifies_records_and_queues_the_invitations(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch("notifications.tasks.outbox_send.apply_async") as dispatch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        meeting = schedule()
    assert meeting.uid == f"meeting-{meeting.public_id}@polku"
    assert meeting.sequence == 0
    assert meeting.status == EventStatus.SCHEDULED
    assert {(i.agency.name_fi, i.person.username) for i in meeting.invitees.all()} == {
        (agency("tym-oulu").name_fi, "tym.oulu"),
        (agency("hva-pohjois").name_fi, "hva.pohjois"),
    }
    # The invitations are in the outbox, each handed to the worker after the commit.
    assert invitation_rows(meeting, 0) == dispatched(dispatch)
    notes = Notification.objects.filter(kind=MeetingNotificationKind.MEETING_INVITATION)
    assert {n.recipient.username for n in notes} == {"tym.oulu", "hva.pohjois"}
    note = notes.first()
    assert note is not None
    assert note.url == f"/meetings/{meeting.public_id}/"
    # Which case: its reference and public id, never the client's name.
    assert set(note.params) == {"date", "time", "agency", "ref", "case"}
    assert note.params["ref"] == meeting.case.reference
    # Their invitation comes by e-mail with the calendar file; no second e-mail for it.
    assert all(n.emailed_at is not None for n in notes)
    assert not OutboxMessage.objects.filter(key__startswith="notification:").exists()
    record = ChangeRecord.objects.get(object_kind=ObjectKind.MEETING, object_id=meeting.public_id)
    assert record.action == "scheduled"
    assert record.username == "koordinaattori.oulu"


def test_an_agency_invited_without_a_person_notifies_its_coordinators_and_contacts():
    schedule(invitees=[InviteeSpec(agency=agency("hva-pohjois"))])
    notes = Notification.objects.filter(kind=MeetingNotificationKind.MEETING_INVITATION)
    # hva.pohjois is the county's named contact person for social work.
    assert [n.recipient.username for n in notes] == ["hva.pohjois"]
    # Without a named person the county's own address gets the calendar invitation (none
    # in the demo), so the notification goes by e-mail as usual: through the outbox.
    note = notes.get()
    assert OutboxMessage.objects.filter(key=f"notification:{note.pk}").exists()


def test_only_a_coordinator_schedules():
    with pytest.raises(PermissionDenied):
        schedule(organiser=user("tym.oulu"))
    with pytest.raises(PermissionDenied):
        # A coordinator acting for an agency they are not a coordinator of.
        schedule(agency=agency("hva-pohjois"))
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": timezone.now() - timedelta(minutes=5)}, "starts_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"place": "  ", "video_url": ""}, "place"),
        ({"title": " "}, "title"),
    ],
)
def test_bad_details_are_refused_on_their_field_and_nothing_is_saved(changes, field):
    with pytest.raises(ValidationError) as excinfo:
        schedule(**changes)
    assert field in error_dict(excinfo)
    assert not Meeting.objects.exists()
    assert not Notification.objects.filter(kind=MeetingNotificationKind.MEETING_INVITATION).exists()


def test_a_video_link_alone_is_enough():
    meeting = schedule(place="", video_url="https://video.example/abc")
    assert meeting.place == ""


def test_an_agency_without_a_grant_or_consent_cannot_be_invited():
    kela = agency("kela")
    with pytest.raises(ValidationError) as excinfo:
        schedule(invitees=[*schedule_invitees(), InviteeSpec(agency=kela)])
    [error] = error_dict(excinfo)["invitees"]
    assert error.code == "no_access"
    assert (error.params or {})["agency_id"] == kela.pk
    assert not Meeting.objects.exists()


def test_an_agency_the_clients_consent_covers_may_be_invited():
    priima = agency("priima")
    case = mikkos_case()
    consent_record(
        client=case.client,
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=priima,
        recipient_kind="",
        categories=categories("identity"),
        given_on=today(),
        method=ConsentMethod.WRITTEN,
        valid_until=None,
    )
    meeting = schedule(invitees=[*schedule_invitees(), InviteeSpec(agency=priima)])
    assert meeting.invitees.filter(agency=priima).exists()


def test_a_person_must_work_with_clients_at_the_agency_invited():
    with pytest.raises(ValidationError) as excinfo:
        schedule(invitees=[InviteeSpec(agency=agency("tym-oulu"), person=user("hva.pohjois"))])
    assert error_dict(excinfo)["invitees"][0].code == "not_a_member"


def test_the_client_may_take_part_with_an_e_mail_and_the_organiser_is_not_an_invitee():
    meeting = schedule(
        invitees=[
            *schedule_invitees(),
            InviteeSpec(agency=agency("tym-oulu"), person=user("koordinaattori.oulu")),
            InviteeSpec(is_client=True, email=" mikko@example.org "),
        ]
    )
    client = meeting.invitees.get(is_client=True)
    assert client.email == "mikko@example.org"
    assert client.agency is None
    assert not meeting.invitees.filter(person=user("koordinaattori.oulu")).exists()


def schedule_invitees() -> list[InviteeSpec]:
    return [InviteeSpec(agency=agency("tym-oulu"), person=user("tym.oulu"))]


# Changes ------------------------------------------------------------------------------


def test_an_update_keeps_the_uid_and_raises_the_sequence_by_one(
    django_capture_on_commit_callbacks,
):
    meeting = schedule()
    uid = meeting.uid
    with (
        mock.patch("notifications.tasks.outbox_send.apply_async") as dispatch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        meeting = meeting_update(
            meeting=meeting, **as_coordinator(), **details_of(meeting, starts_at=local(8, 13))
        )
    assert (meeting.uid, meeting.sequence) == (uid, 1)
    assert invitation_rows(meeting, 1) == dispatched(dispatch)
    meeting = meeting_update(
        meeting=meeting, **as_coordinator(), **details_of(meeting, place="Toinen huone")
    )
    assert meeting.sequence == 2
    changed = Notification.objects.filter(kind=MeetingNotificationKind.MEETING_CHANGED)
    assert {n.recipient.username for n in changed} == {"tym.oulu", "hva.pohjois"}
    assert ChangeRecord.objects.filter(object_id=meeting.public_id, action="updated").count() == 2


def test_an_agenda_change_or_no_change_sends_nothing_new():
    meeting = schedule()
    meeting = meeting_update(meeting=meeting, **as_coordinator(), **details_of(meeting))
    assert meeting.sequence == 0
    meeting = meeting_update(
        meeting=meeting, **as_coordinator(), **details_of(meeting, agenda="Uusi asialista")
    )
    assert meeting.sequence == 0
    assert Meeting.objects.get(pk=meeting.pk).agenda == "Uusi asialista"
    assert not Notification.objects.filter(kind=MeetingNotificationKind.MEETING_CHANGED).exists()


def test_an_update_cannot_move_the_meeting_into_the_past_or_end_it_before_it_starts():
    meeting = schedule()
    with pytest.raises(ValidationError) as excinfo:
        meeting_update(
            meeting=meeting,
            **as_coordinator(),
            **details_of(meeting, starts_at=timezone.now() - timedelta(hours=1)),
        )
    assert "starts_at" in error_dict(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        meeting_update(
            meeting=meeting, **as_coordinator(), **details_of(meeting, duration_minutes=0)
        )
    assert "duration_minutes" in error_dict(excinfo)
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_only_the_organising_agencys_coordinators_change_or_cancel():
    meeting = schedule()
    for username, key in (("tym.oulu", "tym-oulu"), ("hva.pohjois", "hva-pohjois")):
        with pytest.raises(PermissionDenied):
            meeting_update(
                meeting=meeting, user=user(username), agency=agency(key), **details_of(meeting)
            )
        with pytest.raises(PermissionDenied):
            meeting_cancel(meeting=meeting, user=user(username), agency=agency(key))


def test_cancelling_raises_the_sequence_once_and_stops_further_changes(
    django_capture_on_commit_callbacks,
):
    meeting = schedule()
    with (
        mock.patch("notifications.tasks.outbox_send.apply_async") as dispatch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        meeting = meeting_cancel(meeting=meeting, **as_coordinator())
    assert (meeting.status, meeting.sequence) == (EventStatus.CANCELLED, 1)
    assert invitation_rows(meeting, 1) == dispatched(dispatch)
    assert {
        r.calendar_method for r in OutboxMessage.objects.filter(pk__in=dispatched(dispatch))
    } == {"CANCEL"}
    assert meeting_cancel(meeting=meeting, **as_coordinator()).sequence == 1
    cancelled = Notification.objects.filter(kind=MeetingNotificationKind.MEETING_CANCELLED)
    assert {n.recipient.username for n in cancelled} == {"tym.oulu", "hva.pohjois"}
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, **as_coordinator(), **details_of(meeting, place="X"))


# Invitees -----------------------------------------------------------------------------


def test_adding_invitees_skips_those_already_invited():
    meeting = schedule(invitees=schedule_invitees())
    added = invitee_add(
        meeting=meeting,
        **as_coordinator(),
        invitees=[
            InviteeSpec(agency=agency("tym-oulu"), person=user("tym.oulu")),
            InviteeSpec(agency=agency("hva-pohjois"), person=user("hva.pohjois")),
        ],
    )
    assert [i.person.username for i in added] == ["hva.pohjois"]
    assert meeting.invitees.count() == 2
    with pytest.raises(ValidationError):
        invitee_add(
            meeting=meeting, **as_coordinator(), invitees=[InviteeSpec(agency=agency("kela"))]
        )


def test_removing_an_invitee_tells_them(django_capture_on_commit_callbacks):
    meeting = schedule()
    hva = meeting.invitees.get(person=user("hva.pohjois"))
    with (
        mock.patch("notifications.tasks.outbox_send.apply_async") as dispatch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        invitee_remove(invitee=hva, **as_coordinator())
    assert not Invitee.objects.filter(pk=hva.pk).exists()
    [row] = OutboxMessage.objects.filter(pk__in=dispatched(dispatch))
    assert row.key == f"invitation:{meeting.public_id}:{hva.public_id}:0:removed"
    assert (row.to, row.calendar_method) == ("hva.pohjois@demo.polku.invalid", "CANCEL")
    assert Notification.objects.filter(
        kind=MeetingNotificationKind.MEETING_CANCELLED, recipient=user("hva.pohjois")
    ).exists()


# Answers ------------------------------------------------------------------------------


def test_invitees_answer_their_own_invitation_only():
    meeting = schedule()
    tym = meeting.invitees.get(person=user("tym.oulu"))
    answered = rsvp_set(invitee=tym, rsvp=Rsvp.ACCEPTED, user=user("tym.oulu"))
    assert answered.rsvp == Rsvp.ACCEPTED
    assert answered.responded_at is not None
    with pytest.raises(PermissionDenied):
        rsvp_set(invitee=tym, rsvp=Rsvp.DECLINED, user=user("hva.pohjois"))
    with pytest.raises(ValidationError):
        rsvp_set(invitee=tym, rsvp=Rsvp.PENDING, user=user("tym.oulu"))
    assert ChangeRecord.objects.filter(object_id=meeting.public_id, action="answered").exists()


def test_anyone_of_an_agency_invited_without_a_person_answers_and_becomes_its_participant():
    meeting = schedule(invitees=[InviteeSpec(agency=agency("hva-pohjois"))])
    invitee = meeting.invitees.get()
    with pytest.raises(PermissionDenied):
        rsvp_set(invitee=invitee, rsvp=Rsvp.ACCEPTED, user=user("tym.oulu"))
    answered = rsvp_set(invitee=invitee, rsvp=Rsvp.TENTATIVE, user=user("hva.pohjois"))
    assert (answered.person, answered.rsvp) == (user("hva.pohjois"), Rsvp.TENTATIVE)


def test_a_cancelled_meeting_takes_no_answers():
    meeting = schedule()
    meeting_cancel(meeting=meeting, **as_coordinator())
    with pytest.raises(ValidationError):
        rsvp_set(
            invitee=meeting.invitees.get(person=user("tym.oulu")),
            rsvp=Rsvp.ACCEPTED,
            user=user("tym.oulu"),
        )


# Minutes ------------------------------------------------------------------------------


def test_minutes_actions_go_into_the_employment_plan_which_is_started_if_needed():
    meeting = schedule()
    case = mikkos_case()
    EmploymentPlan.objects.filter(case=case).delete()  # the demo's plan
    due = today() + timedelta(days=14)
    items = meeting_minutes_record(
        meeting=meeting,
        minutes="Käytiin läpi tilanne.",
        decisions="Työnhaku käynnistetään.",
        action_items=[
            ("Ilmoittautuminen työnhakijaksi", agency("tym-oulu"), due),
            ("Asumisen tuen selvitys", agency("hva-pohjois"), due + timedelta(days=7)),
        ],
        **as_coordinator(),
    )
    plan = EmploymentPlan.objects.get(case=case)
    actions = PlanAction.objects.filter(plan=plan).order_by("due_on")
    assert [(a.text, a.owner_agency, a.due_on) for a in actions] == [
        ("Ilmoittautuminen työnhakijaksi", agency("tym-oulu"), due),
        ("Asumisen tuen selvitys", agency("hva-pohjois"), due + timedelta(days=7)),
    ]
    assert all(a.origin for a in actions)
    assert [i.plan_action for i in items] == list(actions)
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.decisions) == (
        "Käytiin läpi tilanne.",
        "Työnhaku käynnistetään.",
    )
    assert ChangeRecord.objects.filter(
        object_kind=ObjectKind.PLAN, object_id=plan.public_id
    ).exists()
    assert ChangeRecord.objects.filter(
        object_id=meeting.public_id, action="minutes recorded"
    ).exists()


def test_minutes_are_all_or_nothing_with_errors_on_the_actions_row():
    meeting = schedule()
    before = PlanAction.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        meeting_minutes_record(
            meeting=meeting,
            minutes="Muistio",
            decisions="",
            action_items=[
                ("Hyvä", agency("tym-oulu"), today() + timedelta(days=3)),
                ("Menneisyyteen", agency("tym-oulu"), today() - timedelta(days=1)),
                ("Kela ei ollut mukana", agency("kela"), today() + timedelta(days=3)),
            ],
            **as_coordinator(),
        )
    errors = error_dict(excinfo)["action_items"]
    assert {((e.params or {})["index"], e.code) for e in errors} >= {(1, "due_on"), (2, "owner")}
    assert not ActionItem.objects.exists()
    assert PlanAction.objects.count() == before
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""


def test_only_the_organising_agencys_coordinators_record_minutes():
    meeting = schedule()
    with pytest.raises(PermissionDenied):
        meeting_minutes_record(
            meeting=meeting,
            minutes="x",
            decisions="",
            action_items=[],
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
        )
    EmploymentPlan.objects.filter(case=mikkos_case()).delete()
    meeting_minutes_record(
        meeting=meeting,
        minutes="Ilman toimenpiteitä",
        decisions="",
        action_items=[],
        **as_coordinator(),
    )
    # No actions, no plan started for them.
    assert not EmploymentPlan.objects.filter(case=mikkos_case()).exists()


def test_the_notifications_say_who_and_when_and_nothing_about_the_client():
    meeting = schedule(starts_at=local(7, 9, 5))
    note = Notification.objects.filter(kind=MeetingNotificationKind.MEETING_INVITATION).first()
    assert note is not None
    day = local(7).date()
    with translation.override("en"):
        text = notification_text(note)
        subject = notification_subject(note)
    assert text == (
        f"Oulu region employment area invites you to a network meeting on "
        f"{day.day}.{day.month}.{day.year} at 9.05."
    )
    client = mikkos_case().client
    for words in (text, subject, str(note.params)):
        assert client.last_name not in words
        assert meeting.title not in words
