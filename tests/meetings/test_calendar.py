"""My meetings: whose calendar a meeting or gathering is in, the week, month and list views,
today's mark, the DST week, and nothing about the client."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from meetings.calendar.selectors import calendar_entries, local_midnight
from meetings.gatherings.services import registration_create
from meetings.models import Meeting
from meetings.services import InviteeSpec, meeting_schedule
from pathways.models import Case
from referrals.models import UseLogEntry

from ..factories import agency, demo_people, mikko_planned, user
from .calendar_helpers import at, gathering_make, meeting_make

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his plan, which the meetings are about."""
    module_world(demo_people)
    module_world(mikko_planned)


MONDAY = date(2026, 1, 12)


def titles(response) -> list[str]:
    return [entry.title for day in response.context["days"] for entry in day.entries]


def week_of(client, day: date):
    return client.get(reverse("calendar"), {"date": day.isoformat()})


# Whose calendar ----------------------------------------------------------------------


def test_the_week_shows_each_user_their_own_meetings_and_gatherings(login):
    meeting_make(starts_at=at(MONDAY, 9), title="Agency invited", agencies=("tym-oulu",))
    meeting_make(
        starts_at=at(MONDAY + timedelta(days=2), 13),
        title="Hanna by name",
        people=(("hva-pohjois", "hva.pohjois"),),
    )
    meeting_make(
        starts_at=at(MONDAY + timedelta(days=7), 9), title="Next week", agencies=("tym-oulu",)
    )
    meeting_make(
        starts_at=at(MONDAY + timedelta(days=3), 10),
        title="Tampere's own",
        organiser="tym.tampere",
        organiser_agency="tym-tampere",
    )
    with time_machine.travel(datetime(2026, 1, 1, 12, 0, tzinfo=timezone.get_current_timezone())):
        registered = gathering_make(day=MONDAY + timedelta(days=4), title="Registered gathering")
        gathering_make(day=MONDAY + timedelta(days=4), title="Not registered")
        registration_create(gathering=registered, user=user("tym.oulu"), agency=agency("tym-oulu"))

    expected = {
        "tym.oulu": ["Agency invited", "Registered gathering"],
        # The organiser of the meetings and of both gatherings.
        "koordinaattori.oulu": [
            "Agency invited",
            "Hanna by name",
            "Not registered",
            "Registered gathering",
        ],
        "hva.pohjois": ["Hanna by name"],
        "tym.tampere": ["Tampere's own"],
        # The data protection officer does no client work: not their agency's meetings.
        "tietosuoja": [],
        "admin": [],
    }
    for username, wanted in expected.items():
        assert sorted(titles(week_of(login(username), MONDAY))) == sorted(wanted), username


def test_a_scheduled_meeting_reaches_both_invited_agencies(login):
    """Issue 5's journey: a meeting for Mikko Mäkinen inviting Oulun seutu and the
    wellbeing county is in tym.oulu's and hva.pohjois's calendars."""
    starts = timezone.localtime() + timedelta(days=3)
    starts = starts.replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = meeting_schedule(
        case=Case.objects.get(client__last_name="Mäkinen"),
        organiser=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        title="Verkostopalaveri",
        starts_at=starts,
        duration_minutes=60,
        place="Oulun työllisyyspalvelut",
        video_url="",
        agenda="",
        invitees=[
            InviteeSpec(agency=agency("tym-oulu")),
            InviteeSpec(agency=agency("hva-pohjois")),
        ],
    )
    for username in ("tym.oulu", "hva.pohjois", "koordinaattori.oulu"):
        entries = week_of(login(username), starts.date()).context["days"]
        found = [e for day in entries for e in day.entries if e.title == meeting.title]
        assert len(found) == 1, username
        assert found[0].url == reverse("meeting-detail", args=[meeting.public_id])
    assert titles(week_of(login("tym.tampere"), starts.date())) == []


def test_a_meeting_overlapping_the_start_of_the_week_is_in_it(login):
    sunday = MONDAY - timedelta(days=1)
    meeting_make(
        starts_at=at(sunday, 23, 30), minutes=60, title="Over midnight", agencies=("tym-oulu",)
    )
    entries = calendar_entries(
        user=user("tym.oulu"),
        starts=local_midnight(MONDAY),
        ends=local_midnight(MONDAY + timedelta(days=7)),
    )
    assert [e.title for e in entries] == ["Over midnight"]
    days = week_of(login("tym.oulu"), MONDAY).context["days"]
    assert [e.title for e in days[0].entries] == ["Over midnight"]
    assert all(not day.entries for day in days[1:])


# Views -------------------------------------------------------------------------------


def test_week_view_navigates_and_marks_today_in_words(login):
    client = login("tym.oulu")
    client.cookies["polku_language"] = "en"
    with time_machine.travel(datetime(2026, 1, 14, 9, 0, tzinfo=timezone.get_current_timezone())):
        response = client.get(reverse("calendar"))
    page = response.content.decode()
    assert response.context["monday"] == MONDAY
    assert [day.is_today for day in response.context["days"]] == [False, False, True] + [False] * 4
    assert 'aria-current="date"' in page
    assert page.count('aria-current="date"') == 1
    assert '<span class="today-label">Today</span>' in page
    assert f'?date={(MONDAY - timedelta(days=7)).isoformat()}">Previous week' in page
    assert f'?date={(MONDAY + timedelta(days=7)).isoformat()}">Next week' in page
    assert "<h1>My meetings</h1>" in page
    assert "Week 3: 12.1.–18.1.2026" in page


def test_month_view_is_a_grid_of_whole_weeks_with_the_months_events(login):
    meeting_make(starts_at=at(date(2026, 3, 2), 9), title="Early March", agencies=("tym-oulu",))
    meeting_make(starts_at=at(date(2026, 3, 31), 15), title="Last of March", agencies=("tym-oulu",))
    meeting_make(starts_at=at(date(2026, 4, 14), 9), title="April", agencies=("tym-oulu",))
    client = login("tym.oulu")
    client.cookies["polku_language"] = "en"
    response = client.get(reverse("calendar-month"), {"date": "2026-03-18"})
    weeks = response.context["weeks"]
    # March 2026 begins on a Sunday: the grid runs from Monday 23.2 to Sunday 5.4.
    assert weeks[0][0].date == date(2026, 2, 23)
    assert weeks[-1][-1].date == date(2026, 4, 5)
    assert all(len(week) == 7 for week in weeks)
    found = {e.title: d.date for week in weeks for d in week for e in d.entries}
    assert found == {"Early March": date(2026, 3, 2), "Last of March": date(2026, 3, 31)}
    assert not weeks[0][0].in_month
    assert weeks[0][6].in_month
    page = response.content.decode()
    assert 'aria-labelledby="month-heading"' in page
    assert '<th scope="col">Monday</th>' in page
    assert "?date=2026-02-01" in page
    assert "?date=2026-04-01" in page


def test_list_view_shows_four_weeks_of_days_with_events(login):
    meeting_make(starts_at=at(date(2026, 3, 2), 9), title="Inside", agencies=("tym-oulu",))
    meeting_make(starts_at=at(date(2026, 3, 29), 9), title="Last day", agencies=("tym-oulu",))
    meeting_make(starts_at=at(date(2026, 3, 30), 9), title="Outside", agencies=("tym-oulu",))
    response = login("tym.oulu").get(reverse("calendar-list"), {"date": "2026-03-02"})
    assert [day.date for day in response.context["days"]] == [date(2026, 3, 2), date(2026, 3, 29)]
    assert titles(response) == ["Inside", "Last day"]


def test_a_bad_date_shows_this_week(login):
    response = login("tym.oulu").get(reverse("calendar"), {"date": "2026-13-45"})
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["monday"] == today - timedelta(days=today.weekday())


def test_a_cancelled_meeting_is_marked_in_words(login):
    meeting_make(
        starts_at=at(MONDAY, 9), title="Called off", agencies=("tym-oulu",), status="cancelled"
    )
    client = login("tym.oulu")
    with translation.override("en"):
        client.cookies["polku_language"] = "en"
        page = week_of(client, MONDAY).content.decode()
    assert 'status--cancelled">Cancelled</span>' in page


def test_the_dst_week_shows_local_times(login):
    """The week of the last Sunday of March 2026 (29.3): clocks go from 03:00 to 04:00, the
    week is 167 hours long, and every event still shows its Helsinki wall-clock time."""
    last_sunday = date(2026, 3, 29)
    monday = last_sunday - timedelta(days=6)
    meeting_make(
        starts_at=at(date(2026, 3, 27), 10), title="Friday, winter time", agencies=("tym-oulu",)
    )
    meeting_make(starts_at=at(last_sunday, 10), title="Sunday, summer time", agencies=("tym-oulu",))
    meeting_make(
        starts_at=at(last_sunday, 23, 15), minutes=30, title="Sunday night", agencies=("tym-oulu",)
    )
    # 00:30 on Monday in summer time is 21:30 UTC on Sunday: the next week's.
    meeting_make(
        starts_at=at(last_sunday + timedelta(days=1), 0, 30),
        title="Next Monday",
        agencies=("tym-oulu",),
    )
    response = week_of(login("tym.oulu"), last_sunday)
    assert response.context["monday"] == monday
    days = response.context["days"]
    assert [e.title for e in days[4].entries] == ["Friday, winter time"]
    assert [e.title for e in days[6].entries] == ["Sunday, summer time", "Sunday night"]
    page = response.content.decode()
    assert 'datetime="2026-03-27T10:00:00+02:00">10:00</time>' in page
    assert 'datetime="2026-03-29T10:00:00+03:00">10:00</time>' in page
    assert 'datetime="2026-03-29T23:15:00+03:00">23:15</time>' in page
    assert "Next Monday" not in page


# Client data -------------------------------------------------------------------------


def test_the_calendar_shows_no_client_data_and_writes_no_use_log(login):
    meeting = meeting_make(
        starts_at=at(MONDAY, 9), title="Verkostopalaveri", agencies=("tym-oulu",)
    )
    before = UseLogEntry.objects.count()
    client = login("tym.oulu")
    pages = [
        week_of(client, MONDAY),
        client.get(reverse("calendar-month"), {"date": MONDAY.isoformat()}),
        client.get(reverse("calendar-list"), {"date": MONDAY.isoformat()}),
    ]
    mikko = meeting.case.client
    for response in pages:
        page = response.content.decode()
        assert "Verkostopalaveri" in page
        assert mikko.last_name not in page
        assert mikko.first_name not in page
        assert str(mikko.public_id) not in page
        assert str(meeting.case.public_id) not in page
    assert UseLogEntry.objects.count() == before


def test_calendar_queries_do_not_grow_with_the_events(login, django_assert_max_num_queries):
    for i in range(10):
        meeting_make(starts_at=at(MONDAY, 8 + i), title=f"M{i}", agencies=("tym-oulu",))
    client = login("tym.oulu")
    week_of(client, MONDAY)
    with django_assert_max_num_queries(12):
        week_of(client, MONDAY)
    assert Meeting.objects.count() == 10
