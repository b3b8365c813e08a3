"""The worklist on the front page: what each agency finds there, in what order, and what it
may see of the clients."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months, today
from meetings.services import InviteeSpec, meeting_schedule
from pathways.models import Case
from referrals.models import Client, Referral, UseLogEntry
from referrals.services import referral_open
from worklist.selectors import SECTION_SIZE, Section

from ..factories import agency, demo_cases, mikko_planned, user
from ..pathways.path_helpers import DAY, oulu_case
from .helpers import (
    kela_case,
    move_anchor,
    plan_started,
    refer,
    with_outcome,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and clients, their referrals in every status, Mikko's plan."""
    module_world(demo_cases)
    module_world(mikko_planned)


def sections(response) -> dict[str, Section]:
    return {section.key: section for section in response.context["worklist"].sections}


def references(section: Section) -> list[str]:
    return [item.reference for item in section.items]


def in_english(login, username: str):
    """The persona's test client, reading Polku in English: the texts asserted here are
    the source strings, whatever their translations become."""
    client = login(username)
    client.cookies["polku_language"] = "en"
    return client


def worklist_of(login, username: str) -> dict[str, Section]:
    response = in_english(login, username).get(reverse("home"))
    assert response.status_code == 200
    return sections(response)


def test_every_persona_opens_the_front_page(login):
    for username in ("rise.oulu", "tym.oulu", "kela.pohjoinen", "priima.butti", "admin"):
        assert login(username).get(reverse("home")).status_code == 200


def test_referrals_waiting_for_the_agency_with_their_business_day_deadlines(login):
    found = worklist_of(login, "tym.oulu")["referrals"]
    by_client = {item.client: item for item in found.items}
    # The demo: Mikko's referral is sent, Jari's opened; the rest are settled.
    assert set(by_client) == {"Mäkinen, Mikko", "Niskanen, Jari"}
    mikko = Referral.objects.get(client__last_name="Mäkinen", recipient_agency=agency("tym-oulu"))
    item = by_client["Mäkinen, Mikko"]
    assert item.url == reverse("referral-detail", args=[mikko.public_id])
    assert item.reference == mikko.release.case.reference
    assert item.detail == "Oulu Prison"
    # Three business days from sending to open it, five to accept it.
    jari = by_client["Niskanen, Jari"]
    assert item.due is not None
    assert jari.due is not None
    assert timezone.localdate(mikko.sent_at) < item.due < jari.due
    assert found.total == 2
    assert found.overdue == 0


def test_tampere_sees_nothing_of_ouluss_work(login):
    tampere = worklist_of(login, "tym.tampere")
    names = {item.client for section in tampere.values() for item in section.items}
    assert names == {"Salo, Laura"}
    oulu = worklist_of(login, "tym.oulu")
    assert "Salo, Laura" not in {item.client for s in oulu.values() for item in s.items}


def test_open_stage_windows_of_the_agency_overdue_first(login):
    late = refer(move_anchor(oulu_case(), today() + 20 * DAY))  # job seeking closed 10 days ago
    soon = refer(move_anchor(oulu_case(), today() + 35 * DAY))  # closes in 5 days
    later = refer(move_anchor(oulu_case(), today() + 80 * DAY))  # closes in 50 days
    unopened = refer(move_anchor(oulu_case(), today() + 100 * DAY))  # opens in 10 days
    stages = worklist_of(login, "tym.oulu")["stages"]
    ours = {r.client_id for r in (late, soon, later, unopened)}
    # Job seeking starts 90 days before release and closes 30 days before.
    mine = [
        item.client_id
        for item in stages.items
        if item.client_id in ours and item.label == "Job seeking starts"
    ]
    assert mine == [late.client_id, soon.client_id, later.client_id]
    assert unopened.client_id not in {item.client_id for item in stages.items}
    dues = [item.due for item in stages.items if item.due is not None]
    assert len(dues) == len(stages.items)
    assert dues == sorted(dues)
    overdue = [item for item in stages.items if item.overdue]
    assert overdue == stages.items[: len(overdue)]
    assert late.client_id in {item.client_id for item in overdue}
    assert stages.overdue == len(overdue)
    first = next(item for item in stages.items if item.client_id == late.client_id)
    case = Case.objects.get(client_id=late.client_id)
    assert first.url == reverse("case-detail", args=[case.public_id])
    assert first.reference == case.reference
    assert first.label == "Job seeking starts"
    assert first.due == today() - 10 * DAY
    # The prison answers for its own stages; the employment area's are not its.
    rise = worklist_of(login, "rise.oulu")["stages"]
    assert late.client_id not in {i.client_id for i in rise.items if i.label == first.label}


def test_a_stage_of_a_client_the_agency_no_longer_sees_is_left_out(login):
    case = move_anchor(oulu_case(), today() + 40 * DAY)
    referral = refer(case)
    assert case.client_id in {i.client_id for i in worklist_of(login, "tym.oulu")["stages"].items}
    from referrals.services import referral_return

    referral = referral_open(referral=referral, user=user("tym.oulu"), agency=agency("tym-oulu"))
    referral_return(
        referral=referral, user=user("tym.oulu"), agency=agency("tym-oulu"), reason="Väärä alue"
    )
    assert case.client_id not in {
        i.client_id for i in worklist_of(login, "tym.oulu")["stages"].items
    }


def test_kela_deadlines_for_kela_and_the_employment_area(login):
    jari = Client.objects.get(last_name="Niskanen")
    case = kela_case(jari, instructed_days_ago=35)
    for username in ("kela.pohjoinen", "tym.oulu"):
        kela = worklist_of(login, username)["kela"]
        assert [i.reference for i in kela.items] == [case.reference], username
        item = kela.items[0]
        assert item.due == today() - 5 * DAY
        assert item.overdue
        assert item.client == "Niskanen, Jari"
        assert item.url == reverse("case-detail", args=[case.public_id])
        assert kela.overdue == 1
    assert worklist_of(login, "tym.tampere")["kela"].items == []
    # Kela's guidance stages are not listed a second time among the stages.
    stages = worklist_of(login, "tym.oulu")["stages"]
    assert case.reference not in references(stages)


def test_a_recorded_outcome_ends_the_kela_deadline(login):
    from pathways.kela.services import case_outcome_record

    case = kela_case(Client.objects.get(last_name="Niskanen"), instructed_days_ago=10)
    assert references(worklist_of(login, "kela.pohjoinen")["kela"]) == [case.reference]
    case_outcome_record(
        case=case,
        agency=agency("kela"),
        user=user("kela.pohjoinen"),
        outcome="registered",
        note="",
    )
    assert worklist_of(login, "kela.pohjoinen")["kela"].items == []


def test_plans_due_and_reviews_for_the_employment_area_that_leads(login):
    first = refer(oulu_case())
    review = refer(oulu_case())
    far = refer(oulu_case())
    first_case = Case.objects.get(client_id=first.client_id)
    review_case = Case.objects.get(client_id=review.client_id)
    plan_started(first_case, on=today() - 95 * DAY)  # due 5 days ago
    plan_started(review_case, on=today() - 200 * DAY, reviewed_on=today() - 80 * DAY)  # in 10
    plan_started(Case.objects.get(client_id=far.client_id), on=today() - 10 * DAY)  # in 80
    plans = worklist_of(login, "tym.oulu")["plans"]
    assert references(plans) == [first_case.reference, review_case.reference]
    assert [i.label for i in plans.items] == ["Agree on the first plan", "Review the plan"]
    assert [i.due for i in plans.items] == [today() - 5 * DAY, today() + 10 * DAY]
    assert [i.overdue for i in plans.items] == [True, False]
    assert plans.items[0].url == reverse("case-plan", args=[first_case.public_id])
    for username in ("tym.tampere", "hva.pohjois", "rise.oulu"):
        assert worklist_of(login, username)["plans"].items == [], username


def test_follow_ups_from_their_due_date_until_recorded(login):
    from plans.models import FollowUp

    released = Case.objects.get(client_id=refer(oulu_case()).client_id)
    with_outcome(move_anchor(released, today() - 100 * DAY))
    recent = Case.objects.get(client_id=refer(oulu_case()).client_id)
    with_outcome(move_anchor(recent, today() - 30 * DAY))  # its first follow-up is not due
    follow_ups = worklist_of(login, "tym.oulu")["follow-ups"]
    assert references(follow_ups) == [released.reference]
    item = follow_ups.items[0]
    assert item.label == "Follow-up 3 months after release"
    assert item.due == add_months(today() - 100 * DAY, 3)
    assert item.overdue
    assert item.url == reverse("case-plan", args=[released.public_id]) + "#outcomes"
    FollowUp.objects.create(
        case=released,
        months=3,
        still_holds=True,
        checked_by=user("tym.oulu"),
        checked_agency=agency("tym-oulu"),
    )
    assert worklist_of(login, "tym.oulu")["follow-ups"].items == []
    assert worklist_of(login, "tym.tampere")["follow-ups"].items == []


def next_wednesday() -> datetime.datetime:
    day = today() + ((2 - today().weekday()) % 7 or 7) * DAY
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def test_meetings_this_week_for_the_invited_agency(login, no_broker):
    mikko = Case.objects.get(client__last_name="Mäkinen")
    with time_machine.travel(next_wednesday(), tick=False):
        at = timezone.make_aware(datetime.datetime.combine(today() + DAY, datetime.time(10)))
        thursday = meeting_schedule(
            case=mikko,
            organiser=user("koordinaattori.oulu"),
            agency=agency("tym-oulu"),
            title="Aloituspalaveri",
            starts_at=at,
            duration_minutes=60,
            place="Neuvotteluhuone 2",
            video_url="",
            agenda="",
            invitees=[InviteeSpec(agency=agency("hva-pohjois"), person=user("hva.pohjois"))],
        )
        meeting_schedule(
            case=mikko,
            organiser=user("koordinaattori.oulu"),
            agency=agency("tym-oulu"),
            title="Ensi viikolla",
            starts_at=at + 6 * DAY,
            duration_minutes=60,
            place="Neuvotteluhuone 2",
            video_url="",
            agenda="",
            invitees=[InviteeSpec(agency=agency("hva-pohjois"), person=user("hva.pohjois"))],
        )
        for username in ("koordinaattori.oulu", "hva.pohjois"):
            meetings = worklist_of(login, username)["meetings"]
            assert [i.label for i in meetings.items] == ["Aloituspalaveri"], username
            assert meetings.items[0].url == reverse("meeting-detail", args=[thursday.public_id])
            assert meetings.items[0].reference == mikko.reference
        for username in ("tym.oulu", "tym.tampere"):
            assert worklist_of(login, username)["meetings"].items == [], username


@pytest.fixture
def no_broker():
    from unittest import mock

    with (
        mock.patch("meetings.tasks.invitations_send.delay"),
        mock.patch("meetings.tasks.invitation_cancel_send.delay"),
        mock.patch("notifications.tasks.notifications_email.delay"),
    ):
        yield


def test_the_name_only_where_the_identity_is_disclosed(login):
    # Oulun seutu receives only the release date of this client, not the identity.
    case = move_anchor(oulu_case(), today() + 40 * DAY)
    refer(case, codes=("release",))
    client = in_english(login, "tym.oulu")
    before = UseLogEntry.objects.filter(client=case.client).count()
    response = client.get(reverse("home"))
    found = sections(response)
    item = next(i for i in found["referrals"].items if i.client_id == case.client_id)
    assert item.client == ""
    stage = next(i for i in found["stages"].items if i.client_id == case.client_id)
    assert stage.client == ""
    assert stage.due == today() + 10 * DAY  # the release is disclosed: its windows are
    page = response.content.decode()
    assert f"{case.client.last_name}, {case.client.first_name}" not in page
    assert "Client (not disclosed)" in page
    # The window's date is release data of that client even without the name.
    assert UseLogEntry.objects.filter(client=case.client).count() == before + 1
    assert UseLogEntry.objects.filter(client=case.client).latest("pk").categories == ["release"]


def test_no_release_path_stage_where_the_release_is_not_disclosed(login):
    """The day a stage would appear, its place in the order and its overdue flag all
    count from the release date: without the release category the stage is not listed
    (the case list shows the path without dates)."""
    case = move_anchor(oulu_case(), today() + 40 * DAY)
    refer(case, codes=("identity",))
    response = in_english(login, "tym.oulu").get(reverse("home"))
    found = sections(response)
    assert any(i.client_id == case.client_id for i in found["referrals"].items)
    assert not any(i.client_id == case.client_id for i in found["stages"].items)
    # With the release disclosed, the same stage is listed with its date.
    disclosed = move_anchor(oulu_case(), today() + 40 * DAY)
    refer(disclosed)
    response = in_english(login, "tym.oulu").get(reverse("home"))
    stage = next(
        i for i in sections(response)["stages"].items if i.client_id == disclosed.client_id
    )
    assert stage.due is not None


def test_the_page_use_logs_the_clients_it_names(login):
    response = login("tym.oulu").get(reverse("home"))
    named = {
        item.client_id
        for section in sections(response).values()
        for item in section.items
        if item.client
    }
    entries = UseLogEntry.objects.filter(user=user("tym.oulu"), path=reverse("home"))
    assert set(entries.values_list("client_id", flat=True)) == named
    assert {e.purpose for e in entries} == {"case_work"}
    jari = entries.get(client__last_name="Niskanen")
    # Jari's stage windows count from his release date, which the page shows.
    assert jari.categories == ["identity", "release"]


def test_at_most_the_section_size_with_the_total(login):
    for _ in range(SECTION_SIZE + 2):
        refer(move_anchor(oulu_case(), today() + 40 * DAY))
    response = in_english(login, "tym.oulu").get(reverse("home"))
    stages = sections(response)["stages"]
    assert len(stages.items) == SECTION_SIZE
    assert stages.total > SECTION_SIZE
    page = response.content.decode()
    assert f"The {SECTION_SIZE} most urgent of {stages.total}." in page
    assert reverse("case-list") in page


def test_roles_without_client_work_have_no_worklist(login):
    response = login("tietosuoja").get(reverse("home"))
    assert response.status_code == 200
    assert "worklist" not in response.context
    assert response.context["agency"] is not None


def test_the_agency_and_the_persons_contact_topics_stay_on_the_front_page(login):
    page = login("tym.oulu").get(reverse("home"))
    assert page.context["facts"].served_count > 0
    assert "Rise-yhdyshenkilö" in page.content.decode()
