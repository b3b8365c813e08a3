"""The path moves by itself: each path event's reaction on the stages and checklists the
template ties to it, the case's timeline, and the limits (hand moves first, closed paths,
template versions)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from agencies.models import Municipality
from core.dates import today
from pathways.cases.reactions import case_event_react
from pathways.cases.selectors import case_timeline_lines
from pathways.cases.services import case_close, release_case_start
from pathways.kela.services import case_outcome_record, kela_guidance_start
from pathways.models import (
    Case,
    CaseChange,
    CaseEvent,
    CaseOutcome,
    CaseStage,
    ChecklistTick,
    PathwayTemplate,
    StageStatus,
)
from pathways.stages import services as stage_services
from pathways.stages.services import (
    case_stage_complete,
    case_stage_skip,
    release_date_move,
    release_dates_reached,
    release_record,
)
from pathways.templates.services import stage_save, template_publish, template_version_new
from referrals.clients.identity import hetu_make
from referrals.events import PathEvent
from referrals.models import ConsentMethod, LegalBasis, ReleaseType
from referrals.services import (
    consent_record,
    referral_accept,
    referral_create,
    referral_open,
    referral_return,
)

from ..factories import (
    SentReferralFactory,
    agency,
    basis,
    categories,
    demo_people,
    jari_case,
    mikko_case,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, Mikko and Jari."""
    module_world(demo_people)
    module_world(mikko_case)
    module_world(jari_case)


S = StageStatus
PREPARATION = "Release preparation"
REFERRAL = "Contact with the named contact person / referral"
JOB_SEEKING = "Job seeking starts"
ASSESSMENT = "Multi-agency service-need assessment"
RELEASE = "Release"
PLAN = "Multi-agency employment plan"
SERVICES = "Services and network cooperation"
MEETING = "Network meeting"
EMPLOYMENT = "Employment"
_people = iter(range(300, 900))


def new_case(*, days: int = 75, birth_year: int = 1980) -> Case:
    """A new adult release path, started by Oulu prison, release in `days` days."""
    birth = datetime.date(birth_year, 3, 1)
    return release_case_start(
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        client=None,
        new_client={
            "hetu": hetu_make(birth, next(_people)),
            "first_name": "Testi",
            "last_name": "Polkunen",
            "home_municipality": Municipality.objects.get(name_fi="Oulu"),
            "mother_tongue": "fi",
            "service_language": "fi",
        },
        rise_unit=agency("rise-prison"),
        expected_date=today() + datetime.timedelta(days=days),
        release_type=ReleaseType.CONDITIONAL,
        municipality_after=Municipality.objects.get(name_fi="Oulu"),
    )


def statuses(case: Case) -> dict[str, str]:
    return {
        s.stage.name_en: s.status
        for s in CaseStage.objects.filter(case=case).select_related("stage")
    }


def ticked(case: Case) -> set[str]:
    return set(
        ChecklistTick.objects.filter(case_stage__case=case).values_list("item__name_en", flat=True)
    )


def stage(case: Case, name_en: str) -> CaseStage:
    return CaseStage.objects.select_related("case", "stage").get(case=case, stage__name_en=name_en)


def send(case: Case):
    return SentReferralFactory(client=case.client, release=case.release)


def accept(referral):
    tym = agency("tym-oulu")
    referral = referral_open(referral=referral, user=user("tym.oulu"), agency=tym)
    return referral_accept(
        referral=referral, user=user("tym.oulu"), agency=tym, assignee=user("tym.oulu")
    )


# Referrals -------------------------------------------------------------------------


def test_sending_and_accepting_the_referral_move_the_path(personas):
    case = new_case()
    assert set(statuses(case).values()) == {S.NOT_STARTED}

    referral = send(case)
    assert statuses(case)[PREPARATION] == S.DONE
    assert statuses(case)[REFERRAL] == S.IN_PROGRESS
    assert statuses(case)[JOB_SEEKING] == S.NOT_STARTED
    assert ticked(case) == {"Referral sent"}

    accept(referral)
    after = statuses(case)
    assert (after[REFERRAL], after[JOB_SEEKING], after[ASSESSMENT]) == (
        S.DONE,
        S.IN_PROGRESS,
        S.NOT_STARTED,
    )


def test_each_automatic_move_is_a_timeline_line_naming_its_cause_and_person(personas):
    case = new_case()
    accept(send(case))
    lines = CaseEvent.objects.filter(case=case).select_related("stage", "item").order_by("pk")
    assert [(e.cause, e.change, e.stage.name_en if e.stage else None) for e in lines] == [
        (PathEvent.REFERRAL_SENT, CaseChange.COMPLETED, PREPARATION),
        (PathEvent.REFERRAL_SENT, CaseChange.STARTED, REFERRAL),
        (PathEvent.REFERRAL_SENT, CaseChange.TICKED, REFERRAL),
        # Opening moves nothing on this path; it is still on the timeline.
        (PathEvent.REFERRAL_OPENED, CaseChange.NOTED, None),
        (PathEvent.REFERRAL_ACCEPTED, CaseChange.COMPLETED, REFERRAL),
        (PathEvent.REFERRAL_ACCEPTED, CaseChange.STARTED, JOB_SEEKING),
    ]
    tiina = user("tym.oulu")
    assert lines.last().actor == tiina
    with translation.override("en"):
        newest = case_timeline_lines(case=case)[0]
    assert newest.automatic
    assert newest.cause == f"Polku: referral accepted ({tiina.display_name})"
    assert newest.what == "Job seeking starts: started"


def test_the_timeline_is_on_the_case_page_in_the_readers_language(personas, login):
    case = new_case()
    accept(send(case))
    page = login("tym.oulu").get(reverse("case-detail", args=[case.public_id]))
    assert page.status_code == 200
    text = page.content.decode()
    tiina = user("tym.oulu").display_name
    with translation.override("fi"):
        cause = gettext("Polku: %(event)s (%(person)s)") % {
            "event": PathEvent.REFERRAL_ACCEPTED.label,
            "person": tiina,
        }
        started = pgettext("case event", "started")
    assert cause != f"Polku: referral accepted ({tiina})"  # translated, not the English
    assert cause in text
    assert f"Työnhaun käynnistäminen: {started}" in text


def test_a_returned_referral_leaves_the_referral_stage_in_progress(personas):
    case = new_case()
    referral = send(case)
    tym = agency("tym-oulu")
    referral_return(referral=referral, user=user("tym.oulu"), agency=tym, reason="Väärä alue")
    assert statuses(case)[REFERRAL] == S.IN_PROGRESS
    assert statuses(case)[JOB_SEEKING] == S.NOT_STARTED
    assert CaseEvent.objects.filter(
        case=case, cause=PathEvent.REFERRAL_RETURNED, change=CaseChange.NOTED
    ).exists()


def test_a_referral_without_a_path_moves_nothing(personas):
    referral = SentReferralFactory()
    accept(referral)
    assert not CaseEvent.objects.filter(case__client=referral.client).exists()


# Moves made by hand first ----------------------------------------------------------


def test_a_stage_moved_by_hand_first_is_left_as_it_is(personas):
    case = new_case()
    tiina = user("tym.oulu")
    job = stage(case, JOB_SEEKING)
    case_stage_skip(case_stage=job, reason="Asiakas on jo työnhakijana", by=tiina)
    rise = user("rise.oulu")
    referral_stage = stage(case, REFERRAL)
    case_stage_complete(case_stage=referral_stage, by=rise)

    accept(send(case))

    after = statuses(case)
    assert after[JOB_SEEKING] == S.SKIPPED  # not started over the person's decision
    assert after[REFERRAL] == S.DONE
    # The hand moves are on the timeline too, without a cause.
    hand = CaseEvent.objects.filter(case=case, cause="").order_by("pk")
    assert [(e.change, e.actor) for e in hand] == [
        (CaseChange.SKIPPED, tiina),
        (CaseChange.COMPLETED, rise),
    ]
    # The item still ticks: it says what happened, whoever moved the stage.
    assert "Referral sent" in ticked(case)


def test_an_item_ticked_by_hand_stays_ticked_once(personas):
    case = new_case()
    referral_stage = stage(case, REFERRAL)
    item = referral_stage.stage.checklist.get(ticked_on=PathEvent.REFERRAL_SENT)
    ChecklistTick.objects.create(case_stage=referral_stage, item=item, ticked_by=user("rise.oulu"))
    send(case)
    assert ChecklistTick.objects.get(case_stage=referral_stage, item=item).ticked_by == user(
        "rise.oulu"
    )
    assert not CaseEvent.objects.filter(case=case, change=CaseChange.TICKED).exists()


def test_a_template_whose_stages_name_no_events_moves_nothing(personas):
    coordinator = user("koordinaattori.oulu")
    shipped = PathwayTemplate.objects.filter(
        code=PathwayTemplate.ADULT_RELEASE, published_at__isnull=False
    ).latest("version")
    draft = template_version_new(template=shipped, user=coordinator)
    for template_stage in draft.stages.all():
        stage_save(
            template=draft,
            stage=template_stage,
            name_fi=template_stage.name_fi,
            name_sv=template_stage.name_sv,
            name_en=template_stage.name_en,
            responsible_kind=template_stage.responsible_kind,
            window_start=template_stage.window_start,
            window_end=template_stage.window_end,
            is_anchor=template_stage.is_anchor,
            action=template_stage.action,
            checklist=[
                {"name_fi": i.name_fi, "name_sv": i.name_sv, "name_en": i.name_en, "ticked_on": ""}
                for i in template_stage.checklist.all()
            ],
            reminders=[],
        )
    template_publish(template=draft, user=coordinator)
    case = new_case()
    assert case.template == draft

    accept(send(case))

    assert set(statuses(case).values()) == {S.NOT_STARTED}
    assert not ticked(case)
    assert set(CaseEvent.objects.filter(case=case).values_list("change", flat=True)) == {
        CaseChange.NOTED
    }


def test_a_running_case_reacts_by_the_version_it_started_on(personas):
    coordinator = user("koordinaattori.oulu")
    case = new_case()
    started_on = case.template
    draft = template_version_new(template=started_on, user=coordinator)
    job = draft.stages.get(name_en=JOB_SEEKING)
    stage_save(
        template=draft,
        stage=job,
        name_fi=job.name_fi,
        name_sv=job.name_sv,
        name_en=job.name_en,
        responsible_kind=job.responsible_kind,
        window_start=job.window_start,
        window_end=job.window_end,
        is_anchor=job.is_anchor,
        action=job.action,
        start_events=[],
        complete_events=[PathEvent.REFERRAL_ACCEPTED],
        checklist=[],
        reminders=[],
    )
    template_publish(template=draft, user=coordinator)

    accept(send(case))

    case.refresh_from_db()
    assert case.template == started_on
    assert statuses(case)[JOB_SEEKING] == S.IN_PROGRESS  # the old version: started, not done
    newer = new_case()
    assert newer.template == draft
    accept(send(newer))
    assert statuses(newer)[JOB_SEEKING] == S.DONE


def test_a_closed_path_does_not_move(personas):
    case = new_case()
    membership = user("rise.oulu").memberships.get(agency=agency("rise-prison"))
    case_close(case=case, membership=membership)
    case.refresh_from_db()
    assert (
        case_event_react(case=case, event=PathEvent.ASSESSMENT_COMPLETED, user=None, agency=None)
        == []
    )
    assert set(statuses(case).values()) == {S.NOT_STARTED}


def test_an_unknown_event_is_a_programming_error(personas):
    with pytest.raises(ValueError, match="unknown path event"):
        case_event_react(case=new_case(), event="lunch_eaten", user=None, agency=None)


# The release -----------------------------------------------------------------------


def test_rise_records_the_release_and_the_path_moves(personas):
    case = new_case(days=0)
    rise, prison = user("rise.oulu"), agency("rise-prison")
    release_record(case=case, released_on=today(), user=rise, agency=prison)
    case.refresh_from_db()
    assert (case.release.released_on, case.release.released_by) == (today(), rise)
    assert statuses(case)[RELEASE] == S.DONE
    assert "Release date confirmed" in ticked(case)


def test_a_release_cannot_be_recorded_in_advance_or_by_another_agency(personas):
    case = new_case(days=10)
    rise, prison = user("rise.oulu"), agency("rise-prison")
    with pytest.raises(ValidationError) as error:
        release_record(
            case=case,
            released_on=today() + datetime.timedelta(days=1),
            user=rise,
            agency=prison,
        )
    assert "released_on" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        release_record(
            case=case, released_on=today(), user=user("tym.oulu"), agency=agency("tym-oulu")
        )
    case.refresh_from_db()
    assert case.release.released_on is None
    assert statuses(case)[RELEASE] == S.NOT_STARTED


def test_a_reached_release_day_counts_as_recorded_once(personas):
    case = new_case(days=3)
    later = today() + datetime.timedelta(days=3)
    assert release_dates_reached(day=later - datetime.timedelta(days=1)) == 0
    assert release_dates_reached(day=later) >= 1
    assert release_dates_reached(day=later) == 0  # a second scan records nothing again
    case.refresh_from_db()
    assert (case.release.released_on, case.release.released_by) == (later, None)
    assert statuses(case)[RELEASE] == S.DONE
    line = CaseEvent.objects.get(
        case=case, cause=PathEvent.RELEASE_RECORDED, change=CaseChange.COMPLETED
    )
    assert (line.actor, line.actor_name, line.stage.name_en) == (None, "", RELEASE)
    with translation.override("en"):
        assert case_timeline_lines(case=case)[0].cause == "Polku: release recorded"


def test_a_postponed_unconfirmed_release_is_no_longer_taken_as_recorded(personas):
    case = new_case(days=1)
    release_dates_reached(day=today() + datetime.timedelta(days=1))
    case.refresh_from_db()
    assert case.release.released_on is not None
    with time_machine.travel(
        datetime.datetime.combine(
            today() + datetime.timedelta(days=1), datetime.time(12), tzinfo=datetime.UTC
        )
    ):
        release_date_move(
            case=case,
            expected_date=today() + datetime.timedelta(days=30),
            user=user("rise.oulu"),
            agency=agency("rise-prison"),
        )
    case.refresh_from_db()
    assert case.release.released_on is None
    # What Polku moved on the day is taken back: the client is still inside.
    assert statuses(case)[RELEASE] == S.IN_PROGRESS
    assert "Release date confirmed" not in ticked(case)
    hand = set(CaseEvent.objects.filter(case=case, cause="").values_list("change", flat=True))
    assert hand >= {CaseChange.REOPENED, CaseChange.UNTICKED}


def test_the_release_page_records_the_release(personas, login):
    case = new_case(days=0)
    client = login("rise.oulu")
    url = reverse("case-release-record", args=[case.public_id])
    assert client.get(url).status_code == 200
    future = (today() + datetime.timedelta(days=2)).isoformat()
    refused = client.post(url, {"released_on": future})
    assert refused.status_code == 200
    with translation.override("fi"):
        message = gettext("A release cannot be recorded in advance.")
    assert message in refused.content.decode()
    done = client.post(url, {"released_on": today().isoformat()})
    assert done.status_code == 302
    assert statuses(case)[RELEASE] == S.DONE
    again = client.post(url, {"released_on": today().isoformat()})
    assert again.status_code == 200
    assert 'id="id_released_on_error"' in again.content.decode()
    assert CaseEvent.objects.filter(case=case, cause=PathEvent.RELEASE_RECORDED).count() == 2
    # The employment area sees the path (its referral's grant) but does not record the release.
    send(case)
    assert login("tym.oulu").get(url).status_code == 403


# Kela's guidance path ----------------------------------------------------------------


def test_kelas_guidance_path_moves_on_its_referral_and_the_registration(personas):
    jari = jari_case().client  # the demo grants Kela §27 access
    kela, kela_officer = agency("kela"), user("kela.pohjoinen")
    case = kela_guidance_start(agency=kela, user=kela_officer, client=jari, instructed_on=today())
    referral = referral_create(
        client=jari,
        sender=kela,
        user=kela_officer,
        recipient_agency=agency("tym-oulu"),
        recipient_person=user("tym.oulu"),
        basis=basis("381-2023-15"),
        categories=categories("identity"),
        message="Ohjaus kokoaikaiseksi työnhakijaksi",
    )
    names = {
        "referral": "Referral to employment services",
        "registration": "Apply for primary benefits and register as a full-time job seeker",
        "outcome": "Recording the outcome",
    }
    assert statuses(case)[names["referral"]] == S.IN_PROGRESS
    accept(referral)
    assert statuses(case)[names["referral"]] == S.DONE
    assert statuses(case)[names["registration"]] == S.IN_PROGRESS

    case_outcome_record(
        case=case, agency=kela, user=kela_officer, outcome=CaseOutcome.REGISTERED, note=""
    )

    after = statuses(case)
    assert (after[names["registration"]], after[names["outcome"]]) == (S.DONE, S.DONE)
    assert "Registered as a full-time job seeker" in ticked(case)


def test_a_kela_outcome_without_registration_completes_only_the_outcome_stage(personas):
    jari = jari_case().client
    kela, kela_officer = agency("kela"), user("kela.pohjoinen")
    case = kela_guidance_start(agency=kela, user=kela_officer, client=jari, instructed_on=today())
    case_outcome_record(
        case=case, agency=kela, user=kela_officer, outcome=CaseOutcome.NOT_REGISTERED, note=""
    )
    after = statuses(case)
    assert after["Recording the outcome"] == S.DONE
    assert after["Apply for primary benefits and register as a full-time job seeker"] == (
        S.NOT_STARTED
    )


def test_the_release_lines_are_withheld_where_the_release_date_is(personas, login):
    """The time Polku recorded a release is the release date: an agency that may not see
    the release (the county, by consent) sees neither those timeline lines nor the
    history's record of them."""
    mikko = mikko_case()
    case_event_react(case=mikko, event=PathEvent.RELEASE_RECORDED, user=None, agency=None)
    with translation.override("fi"):
        cause = gettext("Polku: %(event)s") % {"event": PathEvent.RELEASE_RECORDED.label}
    url = reverse("case-detail", args=[mikko.public_id])
    county = login("hva.pohjois").get(url)
    assert county.status_code == 200
    assert cause not in county.content.decode()
    assert not any(line.cause == cause for line in county.context["timeline_lines"])
    assert not any(
        change.action == "path: release_recorded" for change in county.context["history"]
    )
    employment = login("tym.oulu").get(url)
    assert cause in employment.content.decode()
    assert any(
        change.action == "path: release_recorded" for change in employment.context["history"]
    )


def test_a_referral_to_an_agency_without_a_stage_does_not_move_the_path(personas):
    """Rise's consent-based referral about the same release to the wellbeing county: its
    acceptance is not the employment area's."""
    case = new_case()
    consent_record(
        client=case.client,
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency("hva-pohjois"),
        recipient_kind="",
        categories=categories("identity", "service_needs"),
        given_on=today(),
        method=ConsentMethod.WRITTEN,
        valid_until=None,
    )
    referral = referral_create(
        client=case.client,
        sender=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency("hva-pohjois"),
        recipient_person=None,
        basis=LegalBasis.objects.get(is_consent=True),
        categories=categories("identity", "service_needs"),
        message="Sosiaalityön tuki",
        release=case.release,
    )
    county = agency("hva-pohjois")
    referral_accept(
        referral=referral, user=user("hva.pohjois"), agency=county, assignee=user("hva.pohjois")
    )
    assert set(statuses(case).values()) == {S.NOT_STARTED}
    assert not CaseEvent.objects.filter(case=case).exists()


def test_one_case_that_cannot_move_does_not_stop_the_others(personas, monkeypatch):
    first, second = new_case(days=2), new_case(days=2)
    day = today() + datetime.timedelta(days=2)
    real = stage_services._release_day_reached

    def broken_for_first(*, case_id: int, day: datetime.date) -> int:
        if case_id == first.pk:
            raise RuntimeError("a template that cannot move")
        return real(case_id=case_id, day=day)

    monkeypatch.setattr(stage_services, "_release_day_reached", broken_for_first)
    assert release_dates_reached(day=day) >= 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.release.released_on is None  # tried again on the next scan
    assert second.release.released_on == day
