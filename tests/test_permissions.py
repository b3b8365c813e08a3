"""Every persona against every URL, the URLs generated from the URLconf.

A new view fails this test until its expected outcome for every persona is written
down here, so that no page can be added without deciding who may see it.
"""

import secrets
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import ContactPerson, User
from meetings.demo import seed_demo_gatherings
from meetings.models import Meeting
from meetings.services import InviteeSpec, meeting_schedule
from pathways.models import Case, PathwayTemplate
from pathways.templates.services import template_version_new
from referrals.models import Client, Consent, Referral

from .conftest import PERSONAS
from .factories import agency
from .urlwalk import all_routes

# Every persona against every page: the shared world of the personas, the whole demo.
pytestmark = [pytest.mark.django_db, pytest.mark.permissions, pytest.mark.usefixtures("demo")]

OK, REDIRECT, FORBIDDEN, NOT_FOUND, POST_ONLY = 200, 302, 403, 404, 405
EVERYONE = dict.fromkeys(PERSONAS, OK)


def only(allowed: dict[str, int], otherwise: int) -> dict[str, int]:
    return {persona: allowed.get(persona, otherwise) for persona in PERSONAS}


CLIENT_WORKERS = (
    "rise.oulu",
    "tym.oulu",
    "tym.tampere",
    "koordinaattori.oulu",
    "hva.pohjois",
    "kela.pohjoinen",
    "priima.butti",
)
# Mikko Mäkinen, recorded by Oulu prison: §28 to Oulun seutu, consent to the wellbeing county.
MIKKO_VISIBLE = only(
    {
        "rise.oulu": OK,
        "tym.oulu": OK,
        "koordinaattori.oulu": OK,
        "hva.pohjois": OK,
        "tietosuoja": FORBIDDEN,
        "admin": FORBIDDEN,
    },
    NOT_FOUND,
)
MEETING_PARTIES = only(
    {
        "koordinaattori.oulu": OK,
        "tym.oulu": OK,
        "hva.pohjois": OK,
        "tietosuoja": FORBIDDEN,
        "admin": FORBIDDEN,
    },
    NOT_FOUND,
)
MEETING_ORGANISER = only(
    {
        "koordinaattori.oulu": OK,
        "tym.oulu": FORBIDDEN,
        "hva.pohjois": FORBIDDEN,
        "tietosuoja": FORBIDDEN,
        "admin": FORBIDDEN,
    },
    NOT_FOUND,
)
EXPECTED: dict[str, dict[str, int]] = {
    "home": EVERYONE,
    "directory": EVERYONE,
    "agency-detail": EVERYONE,
    "contact-person-new": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "contact-person-edit": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "contact-person-remove": dict.fromkeys(PERSONAS, POST_ONLY),
    "acting-agency-set": dict.fromkeys(PERSONAS, POST_ONLY),
    "login": dict.fromkeys(PERSONAS, REDIRECT),
    "logout": dict.fromkeys(PERSONAS, POST_ONLY),
    "password_change": EVERYONE,
    "password_change_done": EVERYONE,
    "set_language": dict.fromkeys(PERSONAS, REDIRECT),
    "healthz": EVERYONE,
    "accessibility-statement": EVERYONE,
    "client-detail": MIKKO_VISIBLE,
    "consent-new": only({"rise.oulu": OK, "tietosuoja": FORBIDDEN, "admin": FORBIDDEN}, NOT_FOUND),
    "consent-withdraw": dict.fromkeys(PERSONAS, POST_ONLY),
    "referral-new": MIKKO_VISIBLE,
    "inbox": only({"tietosuoja": FORBIDDEN, "admin": FORBIDDEN}, OK),
    "outbox": only({"tietosuoja": FORBIDDEN, "admin": FORBIDDEN}, OK),
    # Mikko's §28 referral: only the two parties to it.
    "referral-detail": only(
        {
            "rise.oulu": OK,
            "tym.oulu": OK,
            "koordinaattori.oulu": OK,
            "tietosuoja": FORBIDDEN,
            "admin": FORBIDDEN,
        },
        NOT_FOUND,
    ),
    "referral-move": dict.fromkeys(PERSONAS, POST_ONLY),
    # Every client-work agency's list of the paths it answers for (Rise: those it logged).
    "case-list": only({"tietosuoja": FORBIDDEN, "admin": FORBIDDEN}, OK),
    "release-new": only({"rise.oulu": OK}, FORBIDDEN),
    "case-detail": MIKKO_VISIBLE,
    # Stage actions are POST only (tests/pathways/test_stages.py covers who may post).
    "case-stage-action": dict.fromkeys(PERSONAS, POST_ONLY),
    "case-stage-assign": dict.fromkeys(PERSONAS, POST_ONLY),
    "case-stage-tick": dict.fromkeys(PERSONAS, POST_ONLY),
    # Only Oulu prison, which started Mikko's path, moves his release date.
    "case-release-date": only(
        {
            "rise.oulu": OK,
            "tym.tampere": NOT_FOUND,
            "kela.pohjoinen": NOT_FOUND,
            "priima.butti": NOT_FOUND,
        },
        FORBIDDEN,
    ),
    # ... and records his release.
    "case-release-record": only(
        {
            "rise.oulu": OK,
            "tym.tampere": NOT_FOUND,
            "kela.pohjoinen": NOT_FOUND,
            "priima.butti": NOT_FOUND,
        },
        FORBIDDEN,
    ),
    # Mikko's path is the release path: its outcome is recorded only on Kela's guidance path.
    "case-outcome": only(
        dict.fromkeys(
            ("rise.oulu", "tym.oulu", "koordinaattori.oulu", "hva.pohjois", "tietosuoja", "admin"),
            FORBIDDEN,
        ),
        NOT_FOUND,
    ),
    # Only Kela starts it, and Kela has no grant for Mikko.
    "case-close": dict.fromkeys(PERSONAS, POST_ONLY),
    "case-reopen": dict.fromkeys(PERSONAS, POST_ONLY),
    "kela-guidance-start": only({"kela.pohjoinen": NOT_FOUND}, FORBIDDEN),
    # Mikko's assessment and plan (plans/demo.py): whoever sees his case sees the pages, each
    # only its categories of them (tests/plans). Changes are POST only. Outcomes and
    # follow-ups are recorded by Oulun seutu, which leads his plan; Rise and the county
    # see the plan's pages but record neither.
    "case-assessment": MIKKO_VISIBLE,
    "assessment-entries": dict.fromkeys(PERSONAS, POST_ONLY),
    "assessment-summary": dict.fromkeys(PERSONAS, POST_ONLY),
    "assessment-move": dict.fromkeys(PERSONAS, POST_ONLY),
    "case-plan": MIKKO_VISIBLE,
    "plan-start": dict.fromkeys(PERSONAS, POST_ONLY),
    "plan-goal-add": dict.fromkeys(PERSONAS, POST_ONLY),
    "plan-goal-remove": dict.fromkeys(PERSONAS, POST_ONLY),
    "plan-action-add": dict.fromkeys(PERSONAS, POST_ONLY),
    "plan-action-move": dict.fromkeys(PERSONAS, POST_ONLY),
    "plan-versions": MIKKO_VISIBLE,
    "plan-version-new": dict.fromkeys(PERSONAS, POST_ONLY),
    "plan-version": MIKKO_VISIBLE,
    "plan-sign-off": dict.fromkeys(PERSONAS, POST_ONLY),
    "outcome-new": only(
        {
            "tym.oulu": OK,
            "koordinaattori.oulu": OK,
            **dict.fromkeys(("rise.oulu", "hva.pohjois", "tietosuoja", "admin"), FORBIDDEN),
        },
        NOT_FOUND,
    ),
    "follow-up-new": only(
        {
            "tym.oulu": OK,
            "koordinaattori.oulu": OK,
            **dict.fromkeys(("rise.oulu", "hva.pohjois", "tietosuoja", "admin"), FORBIDDEN),
        },
        NOT_FOUND,
    ),
    # Everyone has notifications of their own; another user's is a 404 (tests/notifications).
    "notification-list": EVERYONE,
    "notification-open": dict.fromkeys(PERSONAS, POST_ONLY),
    "notifications-read-all": dict.fromkeys(PERSONAS, POST_ONLY),
    "notification-settings": EVERYONE,
    # The pathway-template editor (a draft of the adult path): coordinators only.
    "pathway-list": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "pathway-import": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "pathway-detail": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "pathway-edit": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "pathway-export": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "pathway-new-version": dict.fromkeys(PERSONAS, POST_ONLY),
    "pathway-publish": dict.fromkeys(PERSONAS, POST_ONLY),
    "stage-new": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "stage-edit": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "stage-delete": dict.fromkeys(PERSONAS, POST_ONLY),
    # My meetings and the personal feed: everyone has a calendar of their own.
    "calendar": EVERYONE,
    "calendar-month": EVERYONE,
    "calendar-list": EVERYONE,
    "calendar-feed": EVERYONE,
    "calendar-feed-create": dict.fromkeys(PERSONAS, POST_ONLY),
    "calendar-feed-revoke": dict.fromkeys(PERSONAS, POST_ONLY),
    # The feed needs no login: its secret token is the key, and url_for makes up a random
    # one, which is a 404 for everybody (tests/meetings/test_feed.py reads real feeds).
    "calendar-feed-ics": dict.fromkeys(PERSONAS, NOT_FOUND),
    # The demo gathering in Pohjois-Pohjanmaa: every agency of the region sees it (Rise's
    # northern units and Kela's northern unit serve it too); Tampere, Etelä-Pohjanmaa's
    # project and the administrator without an agency get a 404. Coordinators schedule
    # gatherings; the organising agency's coordinator edits its own.
    "gathering-list": EVERYONE,
    "gathering-new": only({"koordinaattori.oulu": OK}, FORBIDDEN),
    "gathering-detail": only(
        {"tym.tampere": NOT_FOUND, "priima.butti": NOT_FOUND, "admin": NOT_FOUND}, OK
    ),
    "gathering-ics": only(
        {"tym.tampere": NOT_FOUND, "priima.butti": NOT_FOUND, "admin": NOT_FOUND}, OK
    ),
    "gathering-edit": only(
        {
            "koordinaattori.oulu": OK,
            "tym.tampere": NOT_FOUND,
            "priima.butti": NOT_FOUND,
            "admin": NOT_FOUND,
        },
        FORBIDDEN,
    ),
    "gathering-cancel": dict.fromkeys(PERSONAS, POST_ONLY),
    "gathering-register": dict.fromkeys(PERSONAS, POST_ONLY),
    "gathering-unregister": dict.fromkeys(PERSONAS, POST_ONLY),
    # A network meeting about Mikko organised by Oulun seutu's coordinator, with tym.oulu
    # and hva.pohjois invited: its parties see it while they may see Mikko; Oulu prison
    # works with Mikko but was not invited (404). The organising agency's coordinators
    # schedule, change and invite; others who see the case get 403. Writes are POST only.
    "meeting-new": only(
        {
            "koordinaattori.oulu": OK,
            **dict.fromkeys(
                ("rise.oulu", "tym.oulu", "hva.pohjois", "tietosuoja", "admin"), FORBIDDEN
            ),
        },
        NOT_FOUND,
    ),
    "meeting-detail": MEETING_PARTIES,
    "meeting-ics": MEETING_PARTIES,
    "meeting-edit": MEETING_ORGANISER,
    "meeting-invitees": MEETING_ORGANISER,
    "meeting-cancel": dict.fromkeys(PERSONAS, POST_ONLY),
    "meeting-rsvp": dict.fromkeys(PERSONAS, POST_ONLY),
    "meeting-minutes": dict.fromkeys(PERSONAS, POST_ONLY),
    "meeting-invitee-remove": dict.fromkeys(PERSONAS, POST_ONLY),
    # Login security, everyone's own (tests/security). Without an authenticator the code
    # page sends to the set-up, and the backup-code and removal pages back to the overview.
    "two-factor-verify": dict.fromkeys(PERSONAS, REDIRECT),
    "two-factor-enrol": EVERYONE,
    "account-security": EVERYONE,
    "backup-codes-new": dict.fromkeys(PERSONAS, REDIRECT),
    "two-factor-remove": dict.fromkeys(PERSONAS, REDIRECT),
    "session-end": dict.fromkeys(PERSONAS, POST_ONLY),
    # No persona is an agency administrator (tests/security/test_agency_people.py).
    "agency-people": dict.fromkeys(PERSONAS, FORBIDDEN),
    "agency-person-code": dict.fromkeys(PERSONAS, POST_ONLY),
    "agency-person-reset": dict.fromkeys(PERSONAS, POST_ONLY),
    # The data protection officer's log pages and Mikko's log report (his referral to
    # Oulun seutu is in its disclosure log): the DPO only, everyone else 403.
    "dpo-use-log": only({"tietosuoja": OK}, FORBIDDEN),
    "dpo-disclosure-log": only({"tietosuoja": OK}, FORBIDDEN),
    "dpo-log-integrity": only({"tietosuoja": OK}, FORBIDDEN),
    "dpo-client-report": only({"tietosuoja": OK}, FORBIDDEN),
    "dpo-client-report-pdf": only({"tietosuoja": OK}, FORBIDDEN),
    "dpo-client-report-csv": only({"tietosuoja": OK}, FORBIDDEN),
    # Retention's dry run and its button: the data protection officer only.
    "retention-report": only({"tietosuoja": OK}, FORBIDDEN),
    "retention-run": dict.fromkeys(PERSONAS, POST_ONLY),
}

# What each persona sees of Mikko on his page: the law's and the consent's categories.
MIKKO_CATEGORIES = {
    "rise.oulu": {
        "identity",
        "contact",
        "release",
        "sentence",
        "health",
        "service_needs",
        "employment_plan",
    },
    "tym.oulu": {"identity", "release", "health", "service_needs"},
    "koordinaattori.oulu": {"identity", "release", "health", "service_needs"},
    "hva.pohjois": {"identity", "service_needs"},
}


def objects() -> dict[str, Any]:
    mikko = Client.objects.get(last_name="Mäkinen")
    return {
        "client": mikko,
        "consent": Consent.objects.get(client=mikko),
        "referral": Referral.objects.get(client=mikko, recipient_agency=agency("tym-oulu")),
        "case": Case.objects.get(client=mikko),
        "gathering": seed_demo_gatherings(),
        "meeting": meeting_for_permissions(),
        "agency": agency("tym-oulu"),
        "contact": ContactPerson.objects.get(agency=agency("tym-oulu"), topic__code="rise"),
        "draft": template_version_new(
            template=PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2),
            user=User.objects.get(username="koordinaattori.oulu"),
        ),
    }


def meeting_for_permissions() -> Meeting:
    return meeting_schedule(
        case=Case.objects.get(client__last_name="Mäkinen"),
        organiser=User.objects.get(username="koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        title="Verkostopalaveri",
        starts_at=timezone.now() + timedelta(days=7),
        duration_minutes=60,
        place="Neuvotteluhuone",
        video_url="",
        agenda="",
        invitees=[
            InviteeSpec(agency=agency("tym-oulu"), person=User.objects.get(username="tym.oulu")),
            InviteeSpec(
                agency=agency("hva-pohjois"), person=User.objects.get(username="hva.pohjois")
            ),
        ],
    )


def plans_url(name: str, case: Case) -> str | None:
    """The URLs of Mikko's assessment and plan pages (plans/urls.py), else None."""
    plan = getattr(case, "plan", None)
    extra: dict[str, list[Any]] = {
        "case-assessment": [],
        "assessment-entries": [],
        "assessment-summary": [],
        "assessment-move": ["complete"],
        "case-plan": [],
        "plan-start": [],
        "plan-goal-add": [],
        "plan-action-add": [],
        "plan-versions": [],
        "plan-version-new": [],
        "outcome-new": [],
        "follow-up-new": [],
        "plan-version": [1],
        "plan-sign-off": [1],
    }
    if name == "plan-goal-remove":
        return reverse(name, args=[case.public_id, plan.goals.order_by("order").first().pk])
    if name == "plan-action-move":
        action = plan.actions.order_by("pk").first()
        return reverse(name, args=[case.public_id, action.public_id, "start"])
    if name not in extra:
        return None
    return reverse(name, args=[case.public_id, *extra[name]])


def url_for(name: str, objs: dict[str, Any]) -> str:
    if (plans := plans_url(name, objs["case"])) is not None:
        return plans
    if name in {"notification-open", "session-end", "agency-person-code", "agency-person-reset"}:
        # POST only: a GET is refused before the id is looked up, so any id will do.
        return reverse(name, args=[uuid.uuid4()])
    if name in {"stage-edit", "stage-delete"}:
        # Pathway templates are not client data: addressed by their row ids.
        draft = objs["draft"]
        return reverse(name, args=[draft.pk, draft.stages.first().pk])
    if name in {
        "pathway-detail",
        "pathway-edit",
        "pathway-export",
        "pathway-new-version",
        "pathway-publish",
        "stage-new",
    }:
        return reverse(name, args=[objs["draft"].pk])
    if name in {"case-stage-action", "case-stage-assign", "case-stage-tick"}:
        case = objs["case"]
        stage_args = [case.public_id, case.stages.order_by("pk").first().pk]
        if name == "case-stage-action":
            stage_args.append("start")
        return reverse(name, args=stage_args)
    if name == "meeting-new":
        return reverse(name, args=[objs["case"].public_id])
    if name == "meeting-invitee-remove":
        meeting = objs["meeting"]
        return reverse(name, args=[meeting.public_id, meeting.invitees.first().public_id])
    if name == "calendar-feed-ics":
        return reverse(name, args=[secrets.token_urlsafe(32)])
    key = {
        "client-detail": "client",
        "consent-new": "client",
        "referral-new": "client",
        "consent-withdraw": "consent",
        "referral-detail": "referral",
        "referral-move": "referral",
        "case-detail": "case",
        "case-release-date": "case",
        "case-release-record": "case",
        "case-outcome": "case",
        "case-close": "case",
        "case-reopen": "case",
        "kela-guidance-start": "client",
        "dpo-client-report": "client",
        "dpo-client-report-pdf": "client",
        "dpo-client-report-csv": "client",
        "agency-detail": "agency",
        "meeting-detail": "meeting",
        "meeting-ics": "meeting",
        "meeting-edit": "meeting",
        "meeting-invitees": "meeting",
        "meeting-cancel": "meeting",
        "meeting-rsvp": "meeting",
        "meeting-minutes": "meeting",
        "gathering-detail": "gathering",
        "gathering-ics": "gathering",
        "gathering-edit": "gathering",
        "gathering-cancel": "gathering",
        "gathering-register": "gathering",
        "gathering-unregister": "gathering",
        "contact-person-edit": "contact",
        "contact-person-remove": "contact",
    }.get(name)
    if key is None:
        return reverse(name)
    args: list[Any] = [objs[key].public_id]
    if name == "referral-move":
        args.append("accept")
    return reverse(name, args=args)


ROUTES = [route.name for route in all_routes()]


def test_every_url_has_an_expectation():
    assert sorted(ROUTES) == sorted(EXPECTED)


@pytest.mark.parametrize("username", PERSONAS)
def test_persona_against_every_url(login, username):
    client = login(username)
    objs = objects()
    got = {name: client.get(url_for(name, objs)).status_code for name in ROUTES}
    assert got == {name: EXPECTED[name][username] for name in ROUTES}


@pytest.mark.parametrize("username", sorted(MIKKO_CATEGORIES))
def test_each_agency_sees_only_its_categories_of_mikko(login, username):
    mikko = objects()["client"]
    for url in (
        reverse("client-detail", args=[mikko.public_id]),
        reverse("case-detail", args=[objects()["case"].public_id]),
    ):
        card = login(username).get(url).context["card"]
        assert {s.code for s in card if s.visible} == MIKKO_CATEGORIES[username]


def test_tampere_and_priima_see_nothing_of_oulus_clients(login):
    oulu_clients = Client.objects.exclude(last_name="Salo")
    for username in ("tym.tampere", "priima.butti"):
        client = login(username)
        for oulu_client in oulu_clients:
            assert (
                client.get(reverse("client-detail", args=[oulu_client.public_id])).status_code
                == 404
            )
        for referral in Referral.objects.filter(client__in=oulu_clients):
            assert (
                client.get(reverse("referral-detail", args=[referral.public_id])).status_code == 404
            )
        for case in Case.objects.filter(client__in=oulu_clients):
            assert client.get(reverse("case-detail", args=[case.public_id])).status_code == 404
        inbox = client.get(reverse("inbox")).context["page"].object_list
        assert not {r.client for r in inbox} & set(oulu_clients)


def test_navigation_offers_client_pages_only_to_client_work_roles(login):
    for username, shown in (("tym.oulu", True), ("tietosuoja", False), ("admin", False)):
        page = login(username).get(reverse("home")).content.decode()
        assert (f'href="{reverse("inbox")}"' in page) is shown, username
    rise = login("rise.oulu").get(reverse("home")).content.decode()
    assert f'href="{reverse("case-list")}"' in rise
