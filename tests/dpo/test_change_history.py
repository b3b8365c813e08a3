"""Changes to clients, referrals and cases are recorded by the services that make them
(field names, never values), and shown on the client, referral and case pages."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.dates import today
from history.models import ChangeAction, ChangeRecord, ObjectKind
from history.services import change_record
from history.templatetags.history_labels import change_action, field_label
from pathways.kela.services import case_outcome_record, kela_guidance_start
from pathways.models import Case, CaseOutcome, CaseStage
from referrals.events import PathEvent
from referrals.models import Client, Consent, Referral

from ..factories import ClientFactory, agency, mikko_case, mikko_planned, user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """Mikko as the demo has him, his plan signed."""
    module_world(mikko_planned)


def mikko() -> Client:
    return mikko_case().client


def mikkos_case() -> Case:
    return mikko_case()


def mikkos_referral() -> Referral:
    return Referral.objects.get(client=mikko(), recipient_agency=agency("tym-oulu"))


def history(kind: str, object_id) -> list[tuple[str, str, str, list[str]]]:
    return [
        (r.action, r.username, r.agency.name_fi if r.agency else "", r.fields)
        for r in ChangeRecord.objects.filter(object_kind=kind, object_id=object_id).order_by(
            "at", "pk"
        )
    ]


def english(client):
    client.cookies["polku_language"] = "en"
    return client


def test_the_demo_left_mikkos_history():
    client = history(ObjectKind.CLIENT, mikko().public_id)
    assert [(a, u, ag) for a, u, ag, _f in client] == [
        ("created", "rise.oulu", "Oulun vankila"),
        ("consent recorded", "rise.oulu", "Oulun vankila"),
    ]
    created, consent = client[0][3], client[1][3]
    assert {"hetu", "first_name", "last_name", "home_municipality", "phone"} <= set(created)
    assert "email" not in created  # not given
    assert consent == [
        "consents.categories",
        "consents.given_on",
        "consents.method",
        "consents.recipient_agency",
        "consents.valid_until",
    ]
    referral = history(ObjectKind.REFERRAL, mikkos_referral().public_id)
    assert [(a, u) for a, u, _ag, _f in referral] == [
        ("created", "rise.oulu"),
        ("sent", "rise.oulu"),
    ]
    assert referral[1][3] == ["sent_at", "status"]
    # The path moved by itself on the sent referral and on the signed plan (the last
    # signature, the county's, completed the sign-off).
    case = history(ObjectKind.CASE, mikkos_case().public_id)
    assert [(a, u) for a, u, _ag, _f in case] == [
        ("started", "rise.oulu"),
        ("path: referral_sent", "rise.oulu"),
        ("path: plan_signed", "hva.pohjois"),
    ]
    assert case[1][3] == ["stages.1.status", "stages.2.status", "stages.2.ticks"]
    assert case[2][3] == ["stages.6.status", "stages.6.ticks", "stages.7.status"]


def test_records_name_fields_and_never_values():
    mikko_ = mikko()
    stored = json.dumps(list(ChangeRecord.objects.values_list("fields", flat=True)))
    for value in (mikko_.first_name, mikko_.last_name, mikko_.phone, mikko_.address, "2026"):
        assert value not in stored


def test_referral_moves_are_recorded_by_who_made_them(login):
    referral = mikkos_referral()
    tiina = login("tym.oulu")
    tiina.get(reverse("referral-detail", args=[referral.public_id]))  # opens it
    tiina.post(
        reverse("referral-move", args=[referral.public_id, "accept"]),
        {"assignee": user("tym.oulu").pk},
    )
    moves = history(ObjectKind.REFERRAL, referral.public_id)[2:]
    assert moves == [
        ("opened", "tym.oulu", "Oulun seudun työllisyysalue", ["status"]),
        ("accepted", "tym.oulu", "Oulun seudun työllisyysalue", ["assigned_to", "status"]),
    ]


def test_withdrawing_a_consent_is_recorded_on_the_client(login):
    consent = Consent.objects.get(client=mikko())
    login("rise.oulu").post(reverse("consent-withdraw", args=[consent.public_id]))
    last = history(ObjectKind.CLIENT, mikko().public_id)[-1]
    assert last == ("consent withdrawn", "rise.oulu", "Oulun vankila", ["consents.withdrawn_at"])
    # Withdrawing again changes nothing, and records nothing.
    login("rise.oulu").post(reverse("consent-withdraw", args=[consent.public_id]))
    assert len(history(ObjectKind.CLIENT, mikko().public_id)) == 3


def test_stage_moves_checklist_and_release_date_are_recorded_on_the_case(login):
    case = mikkos_case()
    stage = (
        CaseStage.objects.filter(case=case, responsible_agency=agency("tym-oulu"))
        .select_related("stage")
        .order_by("stage__order")
        .first()
    )
    assert stage.status == "not_started"
    before = len(history(ObjectKind.CASE, case.public_id))  # the demo's, started and path moves
    tiina = login("tym.oulu")
    tiina.post(reverse("case-stage-action", args=[case.public_id, stage.pk, "start"]))
    tiina.post(
        reverse("case-stage-assign", args=[case.public_id, stage.pk]),
        {f"stage-{stage.pk}-person": user("tym.oulu").pk},
    )
    item = stage.stage.checklist.order_by("order").first()
    if item is not None:
        tiina.post(
            reverse("case-stage-tick", args=[case.public_id, stage.pk]),
            {"shown": [item.pk], "item": [item.pk]},
        )
    new_day = today() + datetime.timedelta(days=90)
    login("rise.oulu").post(
        reverse("case-release-date", args=[case.public_id]), {"expected_date": new_day}
    )
    order = stage.stage.order
    records = history(ObjectKind.CASE, case.public_id)[before:]
    expected = [
        ("stage start", "tym.oulu", "Oulun seudun työllisyysalue", [f"stages.{order}.status"]),
        (
            "stage assigned",
            "tym.oulu",
            "Oulun seudun työllisyysalue",
            [f"stages.{order}.responsible_person"],
        ),
        *(
            [
                (
                    "checklist ticked",
                    "tym.oulu",
                    "Oulun seudun työllisyysalue",
                    [f"stages.{order}.ticks"],
                )
            ]
            if item
            else []
        ),
        (
            "release date moved",
            "rise.oulu",
            "Oulun vankila",
            ["anchor_date", "release.expected_date"],
        ),
    ]
    assert records == expected


def test_kela_guidance_and_its_outcome_are_recorded(personas):
    jari = ClientFactory()
    kela = agency("kela")
    case = kela_guidance_start(
        agency=kela, user=personas["kela.pohjoinen"], client=jari, instructed_on=today()
    )
    case_outcome_record(
        case=case,
        agency=kela,
        user=personas["kela.pohjoinen"],
        outcome=CaseOutcome.REASONABLENESS,
        note="Perheessä vakava sairaus.",
    )
    # The outcome completes the path's last stage (Recording the outcome, the 4th).
    assert [(a, f) for a, _u, _ag, f in history(ObjectKind.CASE, case.public_id)] == [
        ("started", ["anchor_date", "stages", "template"]),
        ("outcome recorded", ["outcome", "outcome_note"]),
        ("path: outcome_recorded", ["stages.4.status"]),
    ]


@pytest.mark.parametrize(
    ("username", "name", "target"),
    [
        ("tym.oulu", "client-detail", lambda: mikko().public_id),
        ("hva.pohjois", "client-detail", lambda: mikko().public_id),
        ("rise.oulu", "referral-detail", lambda: mikkos_referral().public_id),
        ("tym.oulu", "case-detail", lambda: mikkos_case().public_id),
    ],
)
def test_the_history_is_shown_to_those_who_see_the_object(login, username, name, target):
    page = english(login(username)).get(reverse(name, args=[target()]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="history-heading"' in html
    assert "Change history" in html
    assert "rise.oulu" in html
    assert page.context["history"].exists()


def test_the_history_speaks_the_readers_language():
    with translation.override("en"):
        _speaks_english()
    with translation.override("fi"):
        assert change_action("consent recorded") != "Consent recorded"


def _speaks_english() -> None:
    assert change_action("consent recorded") == "Consent recorded"
    assert change_action("stage start") == "Stage started"
    assert change_action("something new") == "something new"
    assert change_action("release recorded") == "Release recorded"
    assert change_action("path: referral_sent") == "Path moved: referral sent"
    for event in PathEvent:  # every move of the path is said in words
        assert change_action(f"path: {event.value}") == f"Path moved: {event.label}"
    assert field_label("client", "first_name") == "first names"
    assert field_label("client", "consents.given_on") == "given on"
    assert field_label("case", "release.expected_date") == "expected release date"
    assert field_label("case", "stages.3.status") == "stage 3: status"
    assert field_label("case", "stages.3.ticks") == "stage 3: checklist"
    assert field_label("client", "hetu") == "personal identity code"
    assert field_label("plan", "no_such_field") == "no such field"
    assert field_label("unknown-kind", "x_y") == "x y"


@pytest.mark.parametrize(
    ("username", "name", "kind", "target"),
    [
        ("tym.oulu", "client-detail", ObjectKind.CLIENT, lambda: mikko().public_id),
        ("rise.oulu", "referral-detail", ObjectKind.REFERRAL, lambda: mikkos_referral().public_id),
        ("tym.oulu", "case-detail", ObjectKind.CASE, lambda: mikkos_case().public_id),
    ],
)
def test_the_history_costs_one_query_however_long(login, personas, username, name, kind, target):
    object_id = target()
    url = reverse(name, args=[object_id])
    client = login(username)
    client.get(url)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(60):
        change_record(
            kind=kind,
            object_id=object_id,
            user=personas["rise.oulu"],
            agency=agency("rise-prison"),
            action=ChangeAction.CREATED,
            fields=["first_name"],
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    history_queries = [q for q in many.captured_queries if "history_changerecord" in q["sql"]]
    assert len(history_queries) == 1
    assert page.content.decode().count("<tr><td>") >= 50
