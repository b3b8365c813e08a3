"""Network gatherings: the coordinator's form and its errors, SEQUENCE, registration,
who sees them (the region), the .ics download and the demo gathering."""

import dataclasses
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agencies.models import Region
from meetings.demo import PROGRAMME, next_fourth_of_december, seed_demo_gatherings
from meetings.gatherings.services import (
    GatheringData,
    ProgrammeItemData,
    gathering_cancel,
    gathering_create,
    gathering_update,
    registration_create,
)
from meetings.models import EventStatus, Gathering, Registration

from ..factories import agency, demo_people, mikko_planned, user
from .calendar_helpers import at, gathering_make

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


def form_data(day: date, *, starts="12:00", ends="14:00", items=(), region="17", **extra):
    """The gathering form as the browser posts it, with five programme rows."""
    data = {
        "title": "Yhdyspintaverkoston kokoontuminen",
        "region": str(Region.objects.get(code=region).pk),
        "starts_at": f"{day.isoformat()}T{starts}",
        "ends_at": f"{day.isoformat()}T{ends}",
        "place": "Oulun kaupungintalo",
        "video_url": "",
        "description": "",
        "programme-TOTAL_FORMS": "5",
        "programme-INITIAL_FORMS": "0",
        "programme-MIN_NUM_FORMS": "0",
        "programme-MAX_NUM_FORMS": "40",
    }
    for i in range(5):
        item = items[i] if i < len(items) else ("", "", "", "")
        for name, value in zip(
            ("starts_at", "title", "speaker", "organisation"), item, strict=True
        ):
            data[f"programme-{i}-{name}"] = value
    data.update(extra)
    return data


def data_for(gathering: Gathering, **changes: Any) -> GatheringData:
    current = GatheringData(
        region=gathering.region,
        title=gathering.title,
        starts_at=gathering.starts_at,
        ends_at=gathering.ends_at,
        description=gathering.description,
        place=gathering.place,
        video_url=gathering.video_url,
    )
    return dataclasses.replace(current, **changes)


def programme_of(gathering: Gathering) -> list[ProgrammeItemData]:
    return [
        ProgrammeItemData(i.starts_at, i.title, i.speaker, i.organisation)
        for i in gathering.programme.all()
    ]


# The coordinator's form ------------------------------------------------------------


def test_coordinator_schedules_a_gathering_with_its_programme(login):
    day = timezone.localdate() + timedelta(days=14)
    items = [
        ("12:00", "Tervetuloa", "Tommi Eskonen", "Tampereen kaupunki"),
        ("12:05", "Arviomuistio", "Hanna Liski-Wallentowitz", "TEM"),
    ]
    response = login("koordinaattori.oulu").post(
        reverse("gathering-new"), form_data(day, items=items)
    )
    gathering = Gathering.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("gathering-detail", args=[gathering.public_id])
    assert gathering.sequence == 0
    assert gathering.uid == f"gathering-{gathering.public_id}@polku"
    assert gathering.organiser_agency == agency("tym-oulu")
    assert timezone.localtime(gathering.starts_at).time() == time(12, 0)
    assert [(i.starts_at, i.title) for i in gathering.programme.all()] == [
        (time(12, 0), "Tervetuloa"),
        (time(12, 5), "Arviomuistio"),
    ]


def test_the_form_offers_the_organisers_region(login):
    response = login("koordinaattori.oulu").get(reverse("gathering-new"))
    assert response.status_code == 200
    assert response.context["form"].initial["region"] == Region.objects.get(code="17")


@pytest.mark.parametrize(
    ("day_offset", "starts", "ends", "items", "field"),
    [
        (-1, "12:00", "14:00", (), "starts_at"),
        (7, "14:00", "12:00", (), "ends_at"),
        (7, "12:00", "12:00", (), "ends_at"),
    ],
    ids=["start in the past", "end before start", "end at start"],
)
def test_times_that_make_no_sense_are_errors_on_their_field(
    login, day_offset, starts, ends, items, field
):
    day = timezone.localdate() + timedelta(days=day_offset)
    response = login("koordinaattori.oulu").post(
        reverse("gathering-new"), form_data(day, starts=starts, ends=ends, items=items)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Gathering.objects.exists()


def test_a_programme_item_outside_the_gathering_is_an_error_on_its_time(login):
    day = timezone.localdate() + timedelta(days=7)
    items = [("12:00", "Tervetuloa", "", ""), ("15:00", "Liian myöhään", "", "")]
    response = login("koordinaattori.oulu").post(
        reverse("gathering-new"), form_data(day, items=items)
    )
    assert response.status_code == 200
    rows = response.context["programme"].forms
    assert "starts_at" not in rows[0].errors
    assert "starts_at" in rows[1].errors
    assert not Gathering.objects.exists()


def test_the_service_reports_every_field_at_once():
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        gathering_create(
            user=user("koordinaattori.oulu"),
            agency=agency("tym-oulu"),
            data=GatheringData(
                region=Region.objects.get(code="17"),
                title="X",
                starts_at=at(yesterday, 12),
                ends_at=at(yesterday, 11),
            ),
            programme=[ProgrammeItemData(time(9, 0), "Aamukahvi")],
        )
    assert set(caught.value.error_dict) == {"starts_at", "ends_at", "place"}


def test_programme_times_count_on_every_day_of_a_gathering_over_midnight():
    day = timezone.localdate() + timedelta(days=7)
    gathering = gathering_create(
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        data=GatheringData(
            region=Region.objects.get(code="17"),
            title="Kaksipäiväinen",
            starts_at=at(day, 18),
            ends_at=at(day + timedelta(days=1), 12),
            place="Oulu",
        ),
        programme=[ProgrammeItemData(time(19, 0), "Ilta"), ProgrammeItemData(time(9, 0), "Aamu")],
    )
    assert gathering.programme.count() == 2
    with pytest.raises(ValidationError) as caught:
        gathering_update(
            gathering=gathering,
            user=user("koordinaattori.oulu"),
            agency=agency("tym-oulu"),
            data=data_for(gathering),
            programme=[ProgrammeItemData(time(13, 0), "Iltapäivä")],
        )
    assert [(e.params or {})["index"] for e in caught.value.error_dict["programme"]] == [0]


def test_only_coordinators_schedule_and_only_the_organisers_edit(login):
    gathering = gathering_make()
    for username in ("tym.oulu", "hva.pohjois", "tietosuoja"):
        assert login(username).get(reverse("gathering-new")).status_code == 403
        edit = reverse("gathering-edit", args=[gathering.public_id])
        assert login(username).get(edit).status_code == 403
    assert login("koordinaattori.oulu").get(edit).status_code == 200
    with pytest.raises(PermissionDenied):
        gathering_create(
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
            data=data_for(gathering, starts_at=gathering.starts_at),
        )


# SEQUENCE --------------------------------------------------------------------------


def test_a_change_raises_the_sequence_and_saving_unchanged_does_not(login):
    gathering = gathering_make(programme=(ProgrammeItemData(time(12, 0), "Tervetuloa"),))
    coordinator, oulu = user("koordinaattori.oulu"), agency("tym-oulu")
    same = gathering_update(
        gathering=gathering,
        user=coordinator,
        agency=oulu,
        data=data_for(gathering),
        programme=programme_of(gathering),
    )
    assert same.sequence == 0
    moved = gathering_update(
        gathering=gathering,
        user=coordinator,
        agency=oulu,
        data=data_for(gathering, ends_at=gathering.ends_at + timedelta(minutes=30)),
        programme=programme_of(gathering),
    )
    assert moved.sequence == 1
    new_item = gathering_update(
        gathering=moved,
        user=coordinator,
        agency=oulu,
        data=data_for(moved),
        programme=[*programme_of(moved), ProgrammeItemData(time(13, 0), "Paneeli")],
    )
    assert new_item.sequence == 2
    assert new_item.programme.count() == 2


def test_the_edit_form_saves_and_raises_the_sequence(login):
    gathering = gathering_make()
    day = timezone.localtime(gathering.starts_at).date()
    client = login("koordinaattori.oulu")
    url = reverse("gathering-edit", args=[gathering.public_id])
    response = client.post(url, form_data(day, ends="15:00", title=gathering.title))
    assert response.status_code == 302
    gathering.refresh_from_db()
    assert gathering.sequence == 1
    assert timezone.localtime(gathering.ends_at).time() == time(15, 0)


def test_cancelling_sets_the_status_and_the_next_sequence(login):
    gathering = gathering_make()
    response = login("koordinaattori.oulu").post(
        reverse("gathering-cancel", args=[gathering.public_id])
    )
    assert response.status_code == 302
    gathering.refresh_from_db()
    assert gathering.status == EventStatus.CANCELLED
    assert gathering.sequence == 1
    # Cancelling twice changes nothing; a cancelled gathering cannot be edited.
    again = gathering_cancel(
        gathering=gathering, user=user("koordinaattori.oulu"), agency=agency("tym-oulu")
    )
    assert again.sequence == 1
    with pytest.raises(ValidationError):
        gathering_update(
            gathering=gathering,
            user=user("koordinaattori.oulu"),
            agency=agency("tym-oulu"),
            data=data_for(gathering, title="Uusi"),
            programme=[],
        )


def test_others_cannot_cancel(login):
    gathering = gathering_make()
    url = reverse("gathering-cancel", args=[gathering.public_id])
    assert login("tym.oulu").post(url).status_code == 403
    assert login("tym.tampere").post(url).status_code == 404
    gathering.refresh_from_db()
    assert gathering.status == EventStatus.SCHEDULED


# Registration ----------------------------------------------------------------------


def test_registering_twice_registers_once_and_cancelling_removes_it(login):
    gathering = gathering_make()
    client = login("hva.pohjois")
    register = reverse("gathering-register", args=[gathering.public_id])
    assert client.post(register).status_code == 302
    assert client.post(register).status_code == 302
    registration = Registration.objects.get(gathering=gathering)
    assert registration.user == user("hva.pohjois")
    assert registration.agency == agency("hva-pohjois")
    _registration, created = registration_create(
        gathering=gathering, user=user("hva.pohjois"), agency=agency("hva-pohjois")
    )
    assert created is False
    page = client.get(reverse("gathering-detail", args=[gathering.public_id]))
    assert page.context["registration"] == registration
    assert (
        client.post(reverse("gathering-unregister", args=[gathering.public_id])).status_code == 302
    )
    assert not Registration.objects.exists()


def test_a_cancelled_gathering_takes_no_registrations(login):
    gathering = gathering_make()
    gathering_cancel(
        gathering=gathering, user=user("koordinaattori.oulu"), agency=agency("tym-oulu")
    )
    login("tym.oulu").post(reverse("gathering-register", args=[gathering.public_id]))
    assert not Registration.objects.exists()


def test_the_organiser_sees_who_registered_and_others_only_how_many(login):
    gathering = gathering_make()
    login("hva.pohjois").post(reverse("gathering-register", args=[gathering.public_id]))
    url = reverse("gathering-detail", args=[gathering.public_id])
    organiser = login("koordinaattori.oulu").get(url).context
    assert [r.user.username for r in organiser["registrations"]] == ["hva.pohjois"]
    other = login("kela.pohjoinen").get(url).context
    assert other["registrations"] is None
    assert other["registration_count"] == 1


# Who sees a gathering: its region ------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("tym.oulu", True),
        ("koordinaattori.oulu", True),
        ("hva.pohjois", True),
        ("kela.pohjoinen", True),
        ("rise.oulu", True),
        ("tym.tampere", False),
        ("priima.butti", False),
        ("admin", False),
    ],
)
def test_only_the_region_sees_the_gathering(login, username, sees):
    gathering = gathering_make()
    client = login(username)
    listed = list(client.get(reverse("gathering-list")).context["gatherings"])
    assert (gathering in listed) is sees
    for name in ("gathering-detail", "gathering-ics"):
        status = client.get(reverse(name, args=[gathering.public_id])).status_code
        assert status == (200 if sees else 404), name
    register = client.post(reverse("gathering-register", args=[gathering.public_id]))
    assert register.status_code == (302 if sees else 404)
    assert Registration.objects.filter(user__username=username).exists() is sees


def test_a_gathering_in_pirkanmaa_is_tamperes_and_not_oulus(login):
    gathering = gathering_make(region_code="6")
    assert (
        login("tym.tampere")
        .get(reverse("gathering-detail", args=[gathering.public_id]))
        .status_code
        == 200
    )
    # The organising agency keeps seeing what it organised, wherever it is.
    assert (
        login("koordinaattori.oulu")
        .get(reverse("gathering-detail", args=[gathering.public_id]))
        .status_code
        == 200
    )
    assert (
        login("hva.pohjois")
        .get(reverse("gathering-detail", args=[gathering.public_id]))
        .status_code
        == 404
    )


def test_the_list_shows_upcoming_gatherings_only(login):
    upcoming = gathering_make()
    past = gathering_make()
    Gathering.objects.filter(pk=past.pk).update(
        starts_at=upcoming.starts_at - timedelta(days=30),
        ends_at=upcoming.ends_at - timedelta(days=30),
    )
    Gathering.objects.filter(pk=upcoming.pk).update(
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
    )
    listed = list(login("tym.oulu").get(reverse("gathering-list")).context["gatherings"])
    assert listed == [upcoming]


# The .ics download -----------------------------------------------------------------


def test_the_ics_parses_back_in_helsinki_time_with_its_vtimezone(login):
    gathering = gathering_make(
        programme=(ProgrammeItemData(time(12, 0), "Tervetuloa", "Tommi Eskonen", "Tampere"),)
    )
    response = login("tym.oulu").get(reverse("gathering-ics", args=[gathering.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "method=PUBLISH" in response["Content-Type"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Helsinki"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == gathering.uid
    assert int(str(event["SEQUENCE"])) == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event["DTSTART"].dt == gathering.starts_at
    assert event["DTSTART"].dt.hour == 12
    assert event["DTEND"].dt == gathering.ends_at
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "12.00 Tervetuloa – Tommi Eskonen – Tampere" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(reverse("gathering-detail", args=[gathering.public_id]))


def test_a_cancelled_gatherings_ics_says_so_with_the_next_sequence(login):
    gathering = gathering_make()
    gathering_cancel(
        gathering=gathering, user=user("koordinaattori.oulu"), agency=agency("tym-oulu")
    )
    response = login("tym.oulu").get(reverse("gathering-ics", args=[gathering.public_id]))
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(str(event["SEQUENCE"])) == 1


# The demo --------------------------------------------------------------------------


def test_the_demo_gathering_is_the_seed_programme_and_seeding_twice_changes_nothing():
    first = seed_demo_gatherings()
    second = seed_demo_gatherings()
    assert first is not None
    assert second == first
    assert Gathering.objects.count() == 1
    day = next_fourth_of_december(timezone.localdate())
    assert (day.month, day.day) == (12, 4)
    assert first.starts_at == at(day, 12)
    assert first.ends_at == at(day, 14)
    assert first.region.code == "17"
    assert [(i.starts_at, i.title) for i in first.programme.all()] == [
        (item.starts_at, item.title) for item in PROGRAMME
    ]
    assert [r.user.username for r in first.registrations.all()] == ["tym.oulu"]


def test_seed_demo_adds_the_gathering_once(personas):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    gathering = Gathering.objects.get()
    assert gathering.programme.count() == len(PROGRAMME)
    assert gathering.registrations.get().user.username == "tym.oulu"


def test_the_next_fourth_of_december():
    assert next_fourth_of_december(date(2026, 11, 28)) == date(2026, 12, 4)
    assert next_fourth_of_december(date(2026, 12, 4)) == date(2027, 12, 4)
    assert next_fourth_of_december(date(2026, 12, 31)) == date(2027, 12, 4)


def test_demo_meetings_one_held_with_minutes_one_upcoming_and_idempotent(personas):
    from django.utils import timezone

    from meetings.demo import seed_demo_meetings
    from meetings.models import ActionItem

    held, upcoming = seed_demo_meetings()
    assert held.starts_at < timezone.now() < upcoming.starts_at
    item = ActionItem.objects.get(meeting=held)
    assert item.plan_action is not None
    assert item.plan_action.plan.case == held.case
    assert {m.pk for m in seed_demo_meetings()} == {held.pk, upcoming.pk}


def test_those_registered_hear_of_a_change_and_a_cancellation():
    from meetings.notification_kinds import MeetingNotificationKind
    from notifications.models import Notification

    gathering = gathering_make()
    registration_create(gathering=gathering, user=user("tym.oulu"), agency=agency("tym-oulu"))
    url = reverse("gathering-detail", args=[gathering.public_id])
    gathering_update(
        gathering=gathering,
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        data=data_for(gathering, title="Uusi otsikko"),
        programme=[],
    )
    gathering_cancel(
        gathering=gathering, user=user("koordinaattori.oulu"), agency=agency("tym-oulu")
    )
    kinds = list(
        Notification.objects.filter(url=url, recipient=user("tym.oulu"))
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        MeetingNotificationKind.GATHERING_CHANGED,
        MeetingNotificationKind.GATHERING_CANCELLED,
    ]
    # The organiser who made the change is not told of it.
    assert not Notification.objects.filter(url=url, recipient=user("koordinaattori.oulu"))
