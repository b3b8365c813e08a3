"""meetings.ical: calendars that parse back, carry Europe/Helsinki with its VTIMEZONE, the
iTIP method and attendee parameters that Outlook and Google need, and escape any text."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from meetings.ical import (
    METHOD_CANCEL,
    METHOD_PUBLISH,
    METHOD_REQUEST,
    PRODID,
    STATUS_CANCELLED,
    EventSpec,
    content_type,
    event_calendar,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
START = datetime(2026, 3, 12, 10, 0, tzinfo=HELSINKI)
HOSTILE = 'Palaveri, osa 2; "huone" \\ B\nrivi 2\r\nEND:VEVENT\nBEGIN:VEVENT'


def spec(**changes: object) -> EventSpec:
    values: dict[str, object] = {
        "uid": "meeting-1@polku",
        "sequence": 0,
        "summary": "Verkostopalaveri: aloitus",
        "description": "Polku: https://polku.example/meetings/1/",
        "location": "Oulu, huone 1",
        "url": "https://polku.example/meetings/1/",
        "starts_at": START,
        "ends_at": START + timedelta(hours=1),
        "organizer": ("Kaisa Koskela", "kaisa@example.org"),
        "attendees": [
            ("Tiina Toivonen", "tiina@example.org", "NEEDS-ACTION"),
            ("Hanna Heikkinen", "hanna@example.org", "ACCEPTED"),
        ],
    }
    values.update(changes)
    return EventSpec(**values)  # type: ignore[arg-type]


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def only_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_a_request_parses_back_with_everything_outlook_and_google_need():
    calendar = parse(event_calendar(events=[spec()], method=METHOD_REQUEST))
    assert str(calendar["PRODID"]) == PRODID == "-//Polku//Polku//FI"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "REQUEST"
    event = only_event(calendar)
    assert str(event["UID"]) == "meeting-1@polku"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event
    assert str(event["ORGANIZER"]) == "mailto:kaisa@example.org"
    assert event["ORGANIZER"].params["CN"] == "Kaisa Koskela"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:tiina@example.org", "mailto:hanna@example.org"]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["CN"]
    assert [a.params["PARTSTAT"] for a in attendees] == ["NEEDS-ACTION", "ACCEPTED"]


def test_times_carry_tzid_europe_helsinki_and_the_vtimezone_is_included():
    calendar = parse(event_calendar(events=[spec()], method=METHOD_REQUEST))
    event = only_event(calendar)
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event["DTEND"].params["TZID"] == "Europe/Helsinki"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(hours=1)
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Helsinki"]
    assert {c.name for c in timezones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    raw = event_calendar(events=[spec()], method=METHOD_REQUEST).decode()
    assert "DTSTART;TZID=Europe/Helsinki:20260312T100000" in raw


def test_a_utc_time_is_written_in_helsinki_time_across_dst():
    summer = datetime(2026, 7, 1, 7, 0, tzinfo=ZoneInfo("UTC"))
    raw = event_calendar(
        events=[spec(starts_at=summer, ends_at=summer + timedelta(hours=1))], method=None
    ).decode()
    assert "DTSTART;TZID=Europe/Helsinki:20260701T100000" in raw


def test_a_cancel_has_the_method_and_status_cancelled():
    calendar = parse(event_calendar(events=[spec(sequence=3)], method=METHOD_CANCEL))
    assert str(calendar["METHOD"]) == "CANCEL"
    event = only_event(calendar)
    assert str(event["STATUS"]) == STATUS_CANCELLED
    assert int(event["SEQUENCE"]) == 3
    assert "RSVP" not in event["ATTENDEE"][0].params


def test_a_feed_has_no_method_and_a_download_may_publish():
    feed = parse(event_calendar(events=[spec(), spec(uid="other@polku")], method=None))
    assert "METHOD" not in feed
    assert len(feed.walk("VEVENT")) == 2
    assert len(feed.walk("VTIMEZONE")) == 1
    download = parse(event_calendar(events=[spec()], method=METHOD_PUBLISH))
    assert str(download["METHOD"]) == "PUBLISH"


def test_an_empty_feed_is_still_a_calendar():
    calendar = parse(event_calendar(events=[], method=None))
    assert calendar.walk("VEVENT") == []


def test_hostile_text_round_trips_and_cannot_inject_lines():
    ics = event_calendar(
        events=[
            spec(
                summary=HOSTILE,
                description=HOSTILE,
                location=HOSTILE,
                organizer=(HOSTILE, "kaisa@example.org"),
                attendees=[(HOSTILE, "tiina@example.org", "NEEDS-ACTION")],
            )
        ],
        method=METHOD_REQUEST,
    )
    calendar = parse(ics)
    event = only_event(calendar)
    expected = HOSTILE.replace("\r\n", "\n")
    assert str(event["SUMMARY"]).replace("\r\n", "\n") == expected
    assert str(event["DESCRIPTION"]).replace("\r\n", "\n") == expected
    assert str(event["LOCATION"]).replace("\r\n", "\n") == expected
    # A parameter cannot hold quotes or line breaks: the name is kept on one line.
    assert "\n" not in event["ATTENDEE"].params["CN"]
    assert '"' not in event["ORGANIZER"].params["CN"]
    lines = ics.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1
    assert lines.count(b"END:VEVENT") == 1
    for escaped in (b"\\;", b"\\,", b"\\\\", b"\\n"):
        assert escaped in ics


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80))
def test_any_printable_text_round_trips(text: str):
    calendar = parse(event_calendar(events=[spec(summary=text, location=text)], method=None))
    event = only_event(calendar)
    assert str(event.get("SUMMARY", "")) == text
    assert str(event.get("LOCATION", "")) == text if text else "LOCATION" not in event


def test_bad_specs_are_refused():
    with pytest.raises(ValueError, match="end after"):
        spec(ends_at=START)
    with pytest.raises(ValueError, match="aware"):
        spec(starts_at=datetime(2026, 3, 12, 10), ends_at=datetime(2026, 3, 12, 11))
    with pytest.raises(ValueError, match="PARTSTAT"):
        spec(attendees=[("x", "x@example.org", "MAYBE")])
    with pytest.raises(ValueError, match="method"):
        event_calendar(events=[spec()], method="REFRESH")


def test_content_type_names_the_method():
    assert content_type(METHOD_REQUEST) == "text/calendar; charset=utf-8; method=REQUEST"
    assert content_type(None) == "text/calendar; charset=utf-8"
