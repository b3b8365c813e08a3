"""A case's stages on the case page: status moves, the checklist, the responsible person,
the timeline, and moving the release date."""

import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import today
from pathways.cases.selectors import case_stage_windows, case_timeline
from pathways.cases.services import case_stages_create
from pathways.models import (
    Case,
    CaseStage,
    ChecklistItem,
    ChecklistTick,
    StageStatus,
    StageTemplate,
)
from pathways.stages.services import (
    StageConflict,
    case_stage_assign,
    case_stage_complete,
    case_stage_reopen,
    case_stage_skip,
    case_stage_start,
    checklist_tick_set,
    release_date_move,
)

from ..errors import codes
from ..factories import ClientFactory, agency, mikko_case, referred_case

pytestmark = pytest.mark.django_db

S = StageStatus
HELSINKI = ZoneInfo("Europe/Helsinki")
# The last Sundays of March and October: daylight saving time starts and ends.
DST_DAYS = [
    datetime.date(2026, 3, 29),
    datetime.date(2026, 10, 25),
    datetime.date(2027, 3, 28),
    datetime.date(2027, 10, 31),
]
JOB_SEEKING = "Job seeking starts"  # employment area, window -90 … -30
PREPARATION = "Release preparation"  # Rise, window -180 … -30; done once the referral is sent
RELEASE = "Release"  # Rise, day 0; done once the release is recorded


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    module_world(mikko_case)


def mikko() -> Case:
    """Mikko Mäkinen's adult path: Oulu prison started it, release in 75 days; §28 gives
    Oulun seutu his release date, consent gives the wellbeing county no release data."""
    return mikko_case()


def stage_of(case: Case, name_en: str) -> CaseStage:
    return CaseStage.objects.select_related("stage", "responsible_agency").get(
        case=case, stage__name_en=name_en
    )


def item_of(case_stage: CaseStage, order: int = 99) -> ChecklistItem:
    item, _created = ChecklistItem.objects.get_or_create(
        stage=case_stage.stage,
        order=order,
        defaults={
            "name_fi": f"Kohta {order}",
            "name_sv": f"Punkt {order}",
            "name_en": f"Item {order}",
        },
    )
    return item


def action_url(case_stage: CaseStage, action: str) -> str:
    return reverse("case-stage-action", args=[case_stage.case.public_id, case_stage.pk, action])


def english(client):
    client.cookies["polku_language"] = "en"
    return client


# Status moves ----------------------------------------------------------------------


def test_a_stage_moves_along_its_named_transitions(personas):
    tym = personas["tym.oulu"]
    stage = stage_of(mikko(), JOB_SEEKING)
    assert stage.status == S.NOT_STARTED
    assert case_stage_start(case_stage=stage, by=tym).status == S.IN_PROGRESS
    assert case_stage_complete(case_stage=stage, by=tym).status == S.DONE
    assert case_stage_reopen(case_stage=stage, by=tym).status == S.IN_PROGRESS
    stage = case_stage_skip(case_stage=stage, reason="  Asiakas on jo töissä. ", by=tym)
    assert (stage.status, stage.skip_reason) == (S.SKIPPED, "Asiakas on jo töissä.")
    stage = case_stage_reopen(case_stage=stage, by=tym)
    assert (stage.status, stage.skip_reason) == (S.IN_PROGRESS, "")
    stage.refresh_from_db()
    assert (stage.status, stage.skip_reason) == (S.IN_PROGRESS, "")


def test_a_stage_not_started_may_be_completed_or_skipped_at_once(personas):
    tym = personas["tym.oulu"]
    case = mikko()
    assert case_stage_complete(case_stage=stage_of(case, JOB_SEEKING), by=tym).status == S.DONE
    skipped = case_stage_skip(
        case_stage=stage_of(case, "Network meeting"), reason="Ei tarvetta", by=tym
    )
    assert skipped.status == S.SKIPPED


@pytest.mark.parametrize(
    ("status", "move"),
    [
        (S.NOT_STARTED, case_stage_reopen),
        (S.IN_PROGRESS, case_stage_start),
        (S.IN_PROGRESS, case_stage_reopen),
        (S.DONE, case_stage_start),
        (S.DONE, case_stage_complete),
        (S.DONE, case_stage_skip),
        (S.SKIPPED, case_stage_start),
        (S.SKIPPED, case_stage_complete),
        (S.SKIPPED, case_stage_skip),
    ],
)
def test_moves_the_table_does_not_allow_are_refused(personas, status, move):
    stage = stage_of(mikko(), JOB_SEEKING)
    CaseStage.objects.filter(pk=stage.pk).update(status=status, skip_reason="syy")
    stage.refresh_from_db()
    kwargs = {"reason": "syy"} if move is case_stage_skip else {}
    with pytest.raises(StageConflict):
        move(case_stage=stage, by=personas["tym.oulu"], **kwargs)
    stage.refresh_from_db()
    assert stage.status == status


def test_a_move_made_from_a_stale_copy_is_refused(personas):
    tym = personas["tym.oulu"]
    stale = stage_of(mikko(), JOB_SEEKING)
    case_stage_start(case_stage=stage_of(mikko(), JOB_SEEKING), by=tym)
    # The stale copy still says "not started"; the locked, re-read row decides.
    with pytest.raises(StageConflict):
        case_stage_start(case_stage=stale, by=tym)


@pytest.mark.parametrize("reason", ["", "   "])
def test_skipping_needs_a_reason_on_its_field_and_nothing_is_saved(personas, reason):
    stage = stage_of(mikko(), JOB_SEEKING)
    with pytest.raises(ValidationError) as error:
        case_stage_skip(case_stage=stage, reason=reason, by=personas["tym.oulu"])
    assert codes(error.value) == {"reason": ["required"]}
    stage.refresh_from_db()
    assert (stage.status, stage.skip_reason) == (S.NOT_STARTED, "")


def test_skipping_without_a_reason_on_the_page_shows_the_error_on_the_field(login):
    stage = stage_of(mikko(), JOB_SEEKING)
    client = english(login("tym.oulu"))
    response = client.post(action_url(stage, "skip"), {f"stage-{stage.pk}-reason": " "})
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r.case_stage.pk == stage.pk)
    # The service's error (tested above by its code), on the form's field.
    assert row.skip_form.has_error("reason")
    assert f'id="id_stage-{stage.pk}-reason_error"' in response.content.decode()
    stage.refresh_from_db()
    assert stage.status == S.NOT_STARTED


def test_the_responsible_agency_moves_a_stage_from_the_page(login):
    stage = stage_of(mikko(), JOB_SEEKING)
    client = english(login("tym.oulu"))
    response = client.post(action_url(stage, "start"))
    case_url = reverse("case-detail", args=[stage.case.public_id])
    assert response.status_code == 302
    assert response["Location"] == f"{case_url}#stage-{stage.pk}"
    stage.refresh_from_db()
    assert stage.status == S.IN_PROGRESS
    page = client.get(case_url)
    assert "Saved: “Job seeking starts” is now in progress." in page.content.decode()
    # The same button again (a second tab): a conflict, not a second move.
    again = client.post(action_url(stage, "start"))
    assert again.status_code == 409
    assert "already in progress" in again.context["error"]
    response = client.post(
        action_url(stage, "skip"), {f"stage-{stage.pk}-reason": "Asiakas työllistyi"}
    )
    stage.refresh_from_db()
    assert (response.status_code, stage.status, stage.skip_reason) == (
        302,
        S.SKIPPED,
        "Asiakas työllistyi",
    )


def test_an_unknown_action_is_not_found(login):
    stage = stage_of(mikko(), JOB_SEEKING)
    assert login("tym.oulu").post(action_url(stage, "explode")).status_code == 404


# Who may act -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "stage_name", "status"),
    [
        ("rise.oulu", JOB_SEEKING, 403),  # sees the case, does not answer for the stage
        ("hva.pohjois", JOB_SEEKING, 403),
        ("tym.oulu", RELEASE, 403),  # a Rise stage the demo has not moved
        ("tietosuoja", JOB_SEEKING, 403),  # not a client-work role
        ("admin", JOB_SEEKING, 403),
        ("tym.tampere", JOB_SEEKING, 404),  # cannot see the case at all
        ("priima.butti", JOB_SEEKING, 404),
        ("kela.pohjoinen", JOB_SEEKING, 404),
    ],
)
def test_only_the_responsible_agency_acts_on_a_stage(login, username, stage_name, status):
    stage = stage_of(mikko(), stage_name)
    item = item_of(stage)
    client = login(username)
    for url, data in (
        (action_url(stage, "start"), {}),
        (action_url(stage, "skip"), {f"stage-{stage.pk}-reason": "syy"}),
        (
            reverse("case-stage-assign", args=[stage.case.public_id, stage.pk]),
            {f"stage-{stage.pk}-person": ""},
        ),
        (
            reverse("case-stage-tick", args=[stage.case.public_id, stage.pk]),
            {"shown": [item.pk], "item": [item.pk]},
        ),
    ):
        assert client.post(url, data).status_code == status, url
    stage.refresh_from_db()
    assert stage.status == S.NOT_STARTED
    assert not stage.ticks.exists()


def test_a_stage_of_another_case_is_not_found(login):
    other = referred_case()
    stage = stage_of(other, JOB_SEEKING)
    url = reverse("case-stage-action", args=[mikko().public_id, stage.pk, "start"])
    assert login("tym.oulu").post(url).status_code == 404


def test_the_services_refuse_people_of_other_agencies(personas):
    stage = stage_of(mikko(), JOB_SEEKING)
    item = item_of(stage)
    for username in ("rise.oulu", "tietosuoja", "tym.tampere"):
        by = personas[username]
        with pytest.raises(PermissionDenied):
            case_stage_start(case_stage=stage, by=by)
        with pytest.raises(PermissionDenied):
            checklist_tick_set(case_stage=stage, item=item, ticked=True, by=by)
        with pytest.raises(PermissionDenied):
            case_stage_assign(case_stage=stage, person=None, by=by)


def test_the_page_offers_actions_only_on_the_agencys_own_stages(login):
    case = mikko()
    rows = login("tym.oulu").get(reverse("case-detail", args=[case.public_id])).context["rows"]
    for row in rows:
        mine = row.case_stage.responsible_agency == agency("tym-oulu")
        assert bool(row.actions) is mine, row.case_stage.stage.name_en
        assert (row.assign_form is not None) is mine
    job = next(r for r in rows if r.case_stage.stage.name_en == JOB_SEEKING)
    assert job.actions == {"start", "complete", "skip"}


# The responsible person ------------------------------------------------------------


def test_the_responsible_person_is_one_of_the_agencys_client_workers(personas):
    stage = stage_of(mikko(), JOB_SEEKING)
    tym = personas["tym.oulu"]
    stage = case_stage_assign(case_stage=stage, person=personas["koordinaattori.oulu"], by=tym)
    assert stage.responsible_person == personas["koordinaattori.oulu"]
    for outsider in ("rise.oulu", "tietosuoja", "tym.tampere"):
        with pytest.raises(ValidationError) as error:
            case_stage_assign(case_stage=stage, person=personas[outsider], by=tym)
        assert list(error.value.message_dict) == ["person"]
    stage.refresh_from_db()
    assert stage.responsible_person == personas["koordinaattori.oulu"]
    assert case_stage_assign(case_stage=stage, person=None, by=tym).responsible_person is None


def test_the_responsible_person_is_named_on_the_page(login, personas):
    stage = stage_of(mikko(), JOB_SEEKING)
    url = reverse("case-stage-assign", args=[stage.case.public_id, stage.pk])
    client = login("tym.oulu")
    coordinator = personas["koordinaattori.oulu"]
    response = client.post(url, {f"stage-{stage.pk}-person": coordinator.pk})
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.responsible_person == coordinator
    refused = client.post(url, {f"stage-{stage.pk}-person": personas["rise.oulu"].pk})
    assert refused.status_code == 400
    row = next(r for r in refused.context["rows"] if r.case_stage.pk == stage.pk)
    assert "person" in row.assign_form.errors
    stage.refresh_from_db()
    assert stage.responsible_person == coordinator


# The checklist ---------------------------------------------------------------------


def test_ticking_is_idempotent(personas):
    stage = stage_of(mikko(), JOB_SEEKING)
    item = item_of(stage)
    tym, coordinator = personas["tym.oulu"], personas["koordinaattori.oulu"]
    first = checklist_tick_set(case_stage=stage, item=item, ticked=True, by=tym)
    second = checklist_tick_set(case_stage=stage, item=item, ticked=True, by=coordinator)
    assert first == second
    assert ChecklistTick.objects.get(case_stage=stage, item=item).ticked_by == tym
    assert checklist_tick_set(case_stage=stage, item=item, ticked=False, by=tym) is None
    assert checklist_tick_set(case_stage=stage, item=item, ticked=False, by=tym) is None
    assert not ChecklistTick.objects.filter(case_stage=stage).exists()


def all_ticks() -> set[tuple[int, int]]:
    """Every tick of every case; the demo's path events have ticked some already."""
    return set(ChecklistTick.objects.values_list("case_stage_id", "item_id"))


def test_an_item_of_another_stage_is_refused(personas):
    stage = stage_of(mikko(), JOB_SEEKING)
    foreign = item_of(stage_of(mikko(), "Network meeting"))
    before = all_ticks()
    with pytest.raises(ValidationError) as error:
        checklist_tick_set(case_stage=stage, item=foreign, ticked=True, by=personas["tym.oulu"])
    assert list(error.value.message_dict) == ["item"]
    assert all_ticks() == before
    assert not ChecklistTick.objects.filter(item=foreign).exists()


def test_the_checklist_form_writes_only_what_it_changed(login, personas):
    stage = stage_of(mikko(), JOB_SEEKING)
    a, b = item_of(stage, 97), item_of(stage, 98)
    url = reverse("case-stage-tick", args=[stage.case.public_id, stage.pk])
    client = login("tym.oulu")
    # Tick a; the same post again (a double submit) changes nothing.
    for _ in range(2):
        response = client.post(url, {"shown": [a.pk, b.pk], "item": [a.pk]})
        assert response.status_code == 302
    assert set(stage.ticks.values_list("item", flat=True)) == {a.pk}
    # Someone else ticks b meanwhile; a form loaded before that leaves b alone.
    checklist_tick_set(case_stage=stage, item=b, ticked=True, by=personas["koordinaattori.oulu"])
    client.post(url, {"shown": [a.pk, b.pk], "was": [a.pk], "item": []})
    assert set(stage.ticks.values_list("item", flat=True)) == {b.pk}


def test_the_checklist_form_refuses_a_foreign_item_and_saves_nothing(login):
    stage = stage_of(mikko(), JOB_SEEKING)
    own, foreign = item_of(stage), item_of(stage_of(mikko(), "Network meeting"))
    url = reverse("case-stage-tick", args=[stage.case.public_id, stage.pk])
    before = all_ticks()
    response = login("tym.oulu").post(
        url, {"shown": [own.pk, foreign.pk], "item": [own.pk, foreign.pk]}
    )
    assert response.status_code == 400
    assert all_ticks() == before
    assert not ChecklistTick.objects.filter(item__in=[own, foreign]).exists()


# Windows and dates -----------------------------------------------------------------


def windows_by_name(case: Case, day: datetime.date):
    return {w.stage.name_en: w for w in case_stage_windows(case=case, today=day)}


@pytest.mark.parametrize("dst_day", DST_DAYS)
def test_an_anchor_on_a_daylight_saving_day_gives_the_local_dates(personas, dst_day):
    case = mikko()
    case.anchor_date = dst_day
    windows = windows_by_name(case, dst_day)
    assert (windows["Release"].opens, windows["Release"].closes) == (dst_day, dst_day)
    assert windows["Release"].state == "open"
    assert windows[JOB_SEEKING].opens == dst_day - datetime.timedelta(days=90)
    assert windows[JOB_SEEKING].closes == dst_day - datetime.timedelta(days=30)
    assert windows["Multi-agency employment plan"].closes == dst_day + datetime.timedelta(days=90)


@pytest.mark.parametrize("dst_day", DST_DAYS)
def test_a_window_closing_on_a_daylight_saving_day_closes_at_that_days_end(personas, dst_day):
    case = mikko()
    case.anchor_date = dst_day + datetime.timedelta(days=30)  # job seeking closes on dst_day
    on_the_day = windows_by_name(case, dst_day)[JOB_SEEKING]
    assert (on_the_day.closes, on_the_day.state, on_the_day.overdue) == (dst_day, "open", False)
    day_after = windows_by_name(case, dst_day + datetime.timedelta(days=1))[JOB_SEEKING]
    assert (day_after.state, day_after.overdue) == ("past", True)
    opening = dst_day - datetime.timedelta(days=60)  # window of 61 days, -90 … -30
    assert windows_by_name(case, opening)[JOB_SEEKING].state == "open"
    assert windows_by_name(case, opening - datetime.timedelta(days=1))[JOB_SEEKING].state == (
        "upcoming"
    )


def at_local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)


@pytest.mark.parametrize("dst_day", DST_DAYS)
def test_today_at_half_past_midnight_on_a_daylight_saving_day_is_that_day(login, dst_day):
    moment = at_local(dst_day, 0, 30)
    assert moment.astimezone(datetime.UTC).date() == dst_day - datetime.timedelta(days=1)
    case = mikko()
    Case.objects.filter(pk=case.pk).update(anchor_date=dst_day + datetime.timedelta(days=30))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert today() == dst_day
        page = login("tym.oulu").get(reverse("case-detail", args=[case.public_id]))
    window = next(w for w in page.context["windows"] if w.stage.name_en == JOB_SEEKING)
    # Its window closes on dst_day: still open at 00:30 that night, not yet overdue.
    assert (window.closes, window.state, window.overdue) == (dst_day, "open", False)
    assert page.context["timeline"].today.day == dst_day


def test_a_settled_stage_is_not_overdue(personas):
    case = mikko()
    case.anchor_date = today() - datetime.timedelta(days=10)  # job seeking closed 20 days ago
    stage = stage_of(case, JOB_SEEKING)
    assert windows_by_name(case, today())[JOB_SEEKING].overdue
    case_stage_complete(case_stage=stage, by=personas["tym.oulu"])
    assert not windows_by_name(case, today())[JOB_SEEKING].overdue
    case_stage_reopen(case_stage=stage, by=personas["tym.oulu"])
    case_stage_skip(case_stage=stage, reason="Ei tarvetta", by=personas["tym.oulu"])
    assert not windows_by_name(case, today())[JOB_SEEKING].overdue


# Moving the release date -----------------------------------------------------------


def test_moving_the_release_date_moves_the_anchor_and_every_window(personas):
    case = mikko()
    day = today()
    before = windows_by_name(case, day)
    new_date = case.release.expected_date + datetime.timedelta(days=17)
    release_date_move(
        case=case, expected_date=new_date, user=personas["rise.oulu"], agency=agency("rise-prison")
    )
    case = mikko()
    assert (case.anchor_date, case.release.expected_date) == (new_date, new_date)
    after = windows_by_name(case, day)
    assert before.keys() == after.keys()
    for name, window in after.items():
        assert window.opens == before[name].opens + datetime.timedelta(days=17), name
        assert window.closes == before[name].closes + datetime.timedelta(days=17), name


def test_only_the_starting_rise_unit_moves_the_release_date(personas):
    case = mikko()
    old = case.release.expected_date
    for user, unit in (
        ("rise.oulu", "rise-office"),  # Rise, but not the unit that started the case
        ("tym.oulu", "tym-oulu"),
        ("rise.oulu", "tym-oulu"),
    ):
        with pytest.raises(PermissionDenied):
            release_date_move(
                case=case,
                expected_date=old + datetime.timedelta(days=5),
                user=personas[user],
                agency=agency(unit),
            )
    case = mikko()
    assert (case.anchor_date, case.release.expected_date) == (old, old)


def test_a_release_date_in_the_past_is_refused_on_its_field(personas):
    case = mikko()
    old = case.release.expected_date
    with pytest.raises(ValidationError) as error:
        release_date_move(
            case=case,
            expected_date=today() - datetime.timedelta(days=1),
            user=personas["rise.oulu"],
            agency=agency("rise-prison"),
        )
    assert codes(error.value) == {"expected_date": ["past"]}
    case = mikko()
    assert (case.anchor_date, case.release.expected_date) == (old, old)


def test_rise_moves_the_release_date_on_its_page(login):
    case = mikko()
    url = reverse("case-release-date", args=[case.public_id])
    client = english(login("rise.oulu"))
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["expected_date"].value() == case.release.expected_date
    new_date = today() + datetime.timedelta(days=100)
    response = client.post(url, {"expected_date": new_date.isoformat()})
    assert response["Location"] == reverse("case-detail", args=[case.public_id])
    case = mikko()
    assert (case.anchor_date, case.release.expected_date) == (new_date, new_date)
    detail = client.get(response["Location"])
    assert detail.context["days_left"] == 100
    assert detail.context["release_date_form"] is not None
    past = client.post(url, {"expected_date": "2020-01-01"})
    assert past.status_code == 200
    assert past.context["form"].has_error("expected_date", code="past")
    assert mikko().anchor_date == new_date


@pytest.mark.parametrize(
    ("username", "status"),
    [("tym.oulu", 403), ("hva.pohjois", 403), ("tietosuoja", 403), ("tym.tampere", 404)],
)
def test_others_cannot_move_the_release_date(login, username, status):
    case = mikko()
    url = reverse("case-release-date", args=[case.public_id])
    response = login(username).post(url, {"expected_date": today().isoformat()})
    assert response.status_code == status
    assert mikko().anchor_date == case.anchor_date
    if status == 403 and username != "tietosuoja":
        page = login(username).get(reverse("case-detail", args=[case.public_id]))
        assert page.context["release_date_form"] is None


# The case page ---------------------------------------------------------------------


def test_the_page_shows_the_timeline_and_marks_overdue_stages(login):
    case = mikko()
    # Release in 20 days: the windows closing 30 days or more before it have closed.
    Case.objects.filter(pk=case.pk).update(anchor_date=today() + datetime.timedelta(days=20))
    page = english(login("tym.oulu")).get(reverse("case-detail", args=[case.public_id]))
    html = page.content.decode()
    timeline = page.context["timeline"]
    assert len(timeline.bars) == CaseStage.objects.filter(case=case).count()
    overdue = {w.stage.name_en for w in page.context["windows"] if w.overdue}
    # Preparation's window has closed too, but the sent referral completed the stage.
    assert stage_of(case, PREPARATION).status == S.DONE
    assert overdue == {JOB_SEEKING, "Contact with the named contact person / referral"}
    assert timeline.overdue == 2
    assert 'class="case-timeline" role="img" aria-label="Timeline of the stages' in html
    assert ">Today<" in html
    assert html.count("case-timeline__bar--overdue") == 2
    assert html.count('class="overdue-flag"') == 2
    # Positions are CSS with a decimal point whatever the language, in a style element
    # with the page's CSP nonce (the policy refuses style attributes).
    assert "style=" not in html
    assert re.search(r"#timeline-bar-1 \{ --start: \d+\.\d{3}%; --width: \d+\.\d{3}%; \}", html)
    assert re.search(r"#timeline-today \{ --at: \d+\.\d{3}%; \}", html)
    assert 'class="case-timeline__marker case-timeline__marker--today" id="timeline-today"' in html
    nonce = page.wsgi_request.csp_nonce
    assert f'<style nonce="{nonce}">' in html
    assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]
    finnish = login("tym.oulu").get(reverse("case-detail", args=[case.public_id]))
    assert not re.search(r"--(start|width|at): \d+,\d", finnish.content.decode())


def test_without_the_release_date_only_names_and_statuses_are_shown(login):
    case = mikko()
    page = login("hva.pohjois").get(reverse("case-detail", args=[case.public_id]))
    assert page.status_code == 200
    assert page.context["timeline"] is None
    assert page.context["windows"] == []
    rows = page.context["rows"]
    assert len(rows) == CaseStage.objects.filter(case=case).count()
    assert all(row.window is None and not row.actions for row in rows)
    html = page.content.decode()
    assert "case-timeline" not in html
    assert case.release.expected_date.strftime("%-d.%-m.%Y") not in html
    assert 'class="stage-facts"' not in html


def test_the_timeline_places_stages_around_the_anchor(personas):
    case = mikko()
    anchor = datetime.date(2026, 3, 29)
    case.anchor_date = anchor
    windows = case_stage_windows(case=case, today=anchor)
    timeline = case_timeline(windows=windows, anchor=anchor, today=anchor)
    assert timeline is not None
    assert timeline.first == anchor - datetime.timedelta(days=180 + 14)
    assert timeline.last == anchor + datetime.timedelta(days=365 + 14)
    assert timeline.today.at == timeline.anchor.at
    days = (timeline.last - timeline.first).days + 1
    release = next(b for b in timeline.bars if b.window.stage.is_anchor)
    assert release.start == f"{(180 + 14) / days * 100:.3f}%"
    assert release.width == f"{1 / days * 100:.3f}%"
    assert 1 <= len(timeline.months) <= 7
    assert all(timeline.first <= mark.day <= timeline.last for mark in timeline.months)


def _add_stages(case: Case, count: int, user) -> None:
    """More stages for the case's template, each with a checklist and its items ticked."""
    last = case.template.stages.order_by("-order").first()
    for n in range(1, count + 1):
        template_stage = StageTemplate.objects.create(
            template=case.template,
            order=last.order + n,
            name_fi=f"Lisävaihe {n}",
            name_sv=f"Extra steg {n}",
            name_en=f"Extra stage {n}",
            responsible_kind=last.responsible_kind,
            window_start=last.window_start + n,
            window_end=last.window_end + n,
        )
        case_stage = CaseStage.objects.create(
            case=case, stage=template_stage, responsible_agency=agency("tym-oulu")
        )
        for order in (1, 2):
            item = ChecklistItem.objects.create(
                stage=template_stage, order=order, name_fi="k", name_sv="p", name_en="i"
            )
            ChecklistTick.objects.create(case_stage=case_stage, item=item, ticked_by=user)


def test_the_case_page_takes_the_same_number_of_queries_however_many_stages(login, personas):
    case = mikko()
    url = reverse("case-detail", args=[case.public_id])
    client = login("tym.oulu")
    client.get(url)  # warm up the session and the content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_stages(case, 6, personas["tym.oulu"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["rows"]) == CaseStage.objects.filter(case=case).count()
    assert sum(len(row.checklist) for row in page.context["rows"]) >= 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_a_path_without_a_release_shows_its_windows_from_its_anchor(login, personas):
    """Kela's guidance path and the like: no release date to withhold."""
    adult = mikko().template
    client = ClientFactory()
    case = Case.objects.create(
        client=client,
        template=adult,
        started_by=agency("rise-prison"),
        started_by_user=personas["rise.oulu"],
        anchor_date=today(),
    )
    case_stages_create(case=case)
    page = login("rise.oulu").get(reverse("case-detail", args=[case.public_id]))
    assert page.status_code == 200
    assert page.context["timeline"].anchor.day == today()
    assert len(page.context["windows"]) == case.stages.count()
    assert page.context["release_date_form"] is None
    assert (
        login("rise.oulu").get(reverse("case-release-date", args=[case.public_id])).status_code
        == 404
    )
