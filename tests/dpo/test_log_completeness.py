"""Every view that shows client data writes a use-log row (Act 703/2023 §10).

The views come from the URLconf, so a new view fails here until it is classified below.
The rule:

* a view shows client data when its URL takes the public id of a client, case, referral,
  meeting, plan or assessment (CLIENT_OBJECT below), or when it lists clients (CLIENT_LISTS:
  the inbox, the outbox, the release list, the DPO's log pages);
* such a view, opened with GET by a persona who may see it, must write at least one
  use-log row;
* a view that answers GET only with 405 (a POST-only action) writes nothing, and is
  checked to refuse GET;
* everything else is NO_CLIENT_DATA, with the reason written down; a view the rule calls
  client data cannot be put there.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone

from agencies.models import User
from core.dates import today
from meetings.models import Meeting
from meetings.services import meeting_schedule
from pathways.kela.services import kela_guidance_start
from pathways.models import Case
from plans.services import plan_goal_add, plan_start, plan_version_freeze
from referrals.models import Client, Referral, UseLogEntry

from ..factories import agency, demo_people, jari_case, mikko_case
from ..urlwalk import Route, all_routes

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, Mikko and Jari."""
    module_world(demo_people)
    module_world(mikko_case)
    module_world(jari_case)


CLIENT_OBJECT = re.compile(
    r"/(clients|cases|referrals|meetings|plans|assessments)/[0-9a-f]{8}-[0-9a-f-]{27}/"
)
CLIENT_LISTS = {"inbox", "outbox", "case-list", "dpo-use-log", "dpo-disclosure-log"}


@dataclass(frozen=True)
class Shows:
    """A GET view that shows client data: who may open it, and its URL (built in the test,
    after the objects it needs exist)."""

    username: str
    url: Callable[[], str]


POST_ONLY = "post only"


class NoClientData(str):
    """The reason a view shows no client data."""


def mikko() -> Client:
    return mikko_case().client


def mikkos_case() -> Case:
    return mikko_case()


def on_mikko(name: str) -> Callable[[], str]:
    return lambda: reverse(name, args=[mikko().public_id])


def on_mikkos_case(name: str) -> Callable[[], str]:
    return lambda: reverse(name, args=[mikkos_case().public_id])


def mikkos_referral() -> str:
    referral = Referral.objects.get(client=mikko(), recipient_agency=agency("tym-oulu"))
    return reverse("referral-detail", args=[referral.public_id])


def jaris_guidance_case() -> Case:
    """Kela's guidance path for Jari Niskanen, whose release data Kela has under §27."""
    jari = jari_case().client
    return kela_guidance_start(
        agency=agency("kela"),
        user=User.objects.get(username="kela.pohjoinen"),
        client=jari,
        instructed_on=today(),
    )


def mikko_in_oulus_use_log() -> None:
    """A row for the DPO's use-log page to show: Oulun seutu looked at Mikko."""
    tiina = BrowserClient()
    tiina.force_login(User.objects.get(username="tym.oulu"))
    tiina.get(reverse("client-detail", args=[mikko().public_id]))


def user(username: str) -> User:
    return User.objects.get(username=username)


def mikkos_meeting() -> Meeting:
    return meeting_schedule(
        case=mikkos_case(),
        organiser=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        title="Verkostopalaveri",
        starts_at=timezone.now() + timedelta(days=7),
        duration_minutes=60,
        place="Oulu",
        video_url="",
        agenda="",
        invitees=[],
    )


def on_mikkos_meeting(name: str) -> Callable[[], str]:
    return lambda: reverse(name, args=[mikkos_meeting().public_id])


def mikkos_plan_version() -> str:
    case, tiina, oulu = mikkos_case(), user("tym.oulu"), agency("tym-oulu")
    plan = plan_start(case=case, user=tiina, agency=oulu)
    plan_goal_add(plan=plan, text="Työnhaku käyntiin", user=tiina, agency=oulu)
    version = plan_version_freeze(plan=plan, user=tiina, agency=oulu)
    return reverse("plan-version", args=[case.public_id, version.number])


def then(prepare: Callable[[], object], url: Callable[[], str]) -> Callable[[], str]:
    def build() -> str:
        prepare()
        return url()

    return build


CLASSIFIED: dict[str, Shows | str] = {
    # Clients and referrals.
    "client-detail": Shows("tym.oulu", on_mikko("client-detail")),
    "consent-new": Shows("rise.oulu", on_mikko("consent-new")),
    "consent-withdraw": POST_ONLY,
    "referral-new": Shows("rise.oulu", on_mikko("referral-new")),
    "inbox": Shows("tym.oulu", lambda: reverse("inbox")),
    "outbox": Shows("rise.oulu", lambda: reverse("outbox")),
    "referral-detail": Shows("tym.oulu", mikkos_referral),
    "referral-move": POST_ONLY,
    # Cases.
    "case-list": Shows("rise.oulu", lambda: reverse("case-list")),
    "release-new": NoClientData("an empty form; the client is found or recorded on POST"),
    "case-detail": Shows("tym.oulu", on_mikkos_case("case-detail")),
    "case-stage-assign": POST_ONLY,
    "case-stage-tick": POST_ONLY,
    "case-stage-action": POST_ONLY,
    "case-close": POST_ONLY,
    "case-reopen": POST_ONLY,
    "case-release-date": Shows("rise.oulu", on_mikkos_case("case-release-date")),
    "case-release-record": Shows("rise.oulu", on_mikkos_case("case-release-record")),
    "case-outcome": Shows(
        "kela.pohjoinen",
        lambda: reverse("case-outcome", args=[jaris_guidance_case().public_id]),
    ),
    "kela-guidance-start": Shows(
        "kela.pohjoinen",
        lambda: reverse("kela-guidance-start", args=[jari_case().client.public_id]),
    ),
    # Assessment, plan and outcomes of a case.
    "case-assessment": Shows("tym.oulu", on_mikkos_case("case-assessment")),
    "assessment-entries": POST_ONLY,
    "assessment-summary": POST_ONLY,
    "assessment-move": POST_ONLY,
    "case-plan": Shows("tym.oulu", on_mikkos_case("case-plan")),
    "plan-start": POST_ONLY,
    "plan-goal-add": POST_ONLY,
    "plan-goal-remove": POST_ONLY,
    "plan-action-add": POST_ONLY,
    "plan-action-move": POST_ONLY,
    "plan-versions": Shows("tym.oulu", on_mikkos_case("plan-versions")),
    "plan-version-new": POST_ONLY,
    "plan-version": Shows("tym.oulu", mikkos_plan_version),
    "plan-sign-off": POST_ONLY,
    "outcome-new": Shows("tym.oulu", on_mikkos_case("outcome-new")),
    "follow-up-new": Shows("tym.oulu", on_mikkos_case("follow-up-new")),
    # Network meetings of a case.
    "meeting-new": Shows("koordinaattori.oulu", on_mikkos_case("meeting-new")),
    "meeting-detail": Shows("koordinaattori.oulu", on_mikkos_meeting("meeting-detail")),
    "meeting-edit": Shows("koordinaattori.oulu", on_mikkos_meeting("meeting-edit")),
    "meeting-invitees": Shows("koordinaattori.oulu", on_mikkos_meeting("meeting-invitees")),
    "meeting-minutes": POST_ONLY,
    "meeting-ics": Shows("koordinaattori.oulu", on_mikkos_meeting("meeting-ics")),
    "meeting-cancel": POST_ONLY,
    "meeting-rsvp": POST_ONLY,
    "meeting-invitee-remove": POST_ONLY,
    # The data protection officer's pages.
    "dpo-use-log": Shows(
        "tietosuoja", then(mikko_in_oulus_use_log, lambda: reverse("dpo-use-log"))
    ),
    "dpo-disclosure-log": Shows("tietosuoja", lambda: reverse("dpo-disclosure-log")),
    "dpo-log-integrity": NoClientData(
        "the state of the logs' hash chain: counts, days and row numbers, no client"
    ),
    "dpo-client-report": Shows("tietosuoja", on_mikko("dpo-client-report")),
    "dpo-client-report-pdf": Shows("tietosuoja", on_mikko("dpo-client-report-pdf")),
    "dpo-client-report-csv": Shows("tietosuoja", on_mikko("dpo-client-report-csv")),
    # Pages without client data.
    "home": NoClientData("the front page: counts and links only"),
    "directory": NoClientData("the contact directory of agencies and their staff"),
    "agency-detail": NoClientData("an agency and its contact persons"),
    "contact-person-new": NoClientData("a staff member's directory entry"),
    "contact-person-edit": NoClientData("a staff member's directory entry"),
    "contact-person-remove": POST_ONLY,
    "acting-agency-set": POST_ONLY,
    "pathway-list": NoClientData("pathway templates"),
    "pathway-import": NoClientData("pathway templates"),
    "pathway-detail": NoClientData("pathway templates"),
    "pathway-edit": NoClientData("pathway templates"),
    "pathway-new-version": POST_ONLY,
    "pathway-publish": POST_ONLY,
    "pathway-export": NoClientData("pathway templates as YAML"),
    "stage-new": NoClientData("pathway templates"),
    "stage-edit": NoClientData("pathway templates"),
    "stage-delete": POST_ONLY,
    "notification-list": NoClientData("notification texts never name the client"),
    "notification-open": POST_ONLY,
    "notifications-read-all": POST_ONLY,
    "notification-settings": NoClientData("the user's own settings"),
    "calendar": NoClientData("meeting titles and times only, never the client"),
    "calendar-month": NoClientData("meeting titles and times only, never the client"),
    "calendar-list": NoClientData("meeting titles and times only, never the client"),
    "calendar-feed": NoClientData("the user's own feed settings"),
    "calendar-feed-create": POST_ONLY,
    "calendar-feed-revoke": POST_ONLY,
    "calendar-feed-ics": NoClientData("meeting titles and times only, never the client"),
    "gathering-list": NoClientData("network gatherings are open events, not client work"),
    "gathering-new": NoClientData("network gatherings are open events, not client work"),
    "gathering-detail": NoClientData("network gatherings are open events, not client work"),
    "gathering-edit": NoClientData("network gatherings are open events, not client work"),
    "gathering-cancel": POST_ONLY,
    "gathering-register": POST_ONLY,
    "gathering-unregister": POST_ONLY,
    "gathering-ics": NoClientData("network gatherings are open events, not client work"),
    "retention-report": NoClientData("counts of rows past their retention time"),
    "retention-run": POST_ONLY,
    "two-factor-verify": NoClientData("the user's own login"),
    "two-factor-enrol": NoClientData("the user's own login"),
    "account-security": NoClientData("the user's own login and sessions"),
    "backup-codes-new": NoClientData("the user's own login"),
    "two-factor-remove": NoClientData("the user's own login"),
    "session-end": POST_ONLY,
    "agency-people": NoClientData("the agency's members and their second factor"),
    "agency-person-code": POST_ONLY,
    "agency-person-reset": POST_ONLY,
    "login": NoClientData("the login page"),
    "logout": POST_ONLY,
    "password_change": NoClientData("the user's own password"),
    "password_change_done": NoClientData("the user's own password"),
    "set_language": NoClientData("a redirect after choosing the language"),
    "healthz": NoClientData("the health check"),
    "accessibility-statement": NoClientData("the accessibility statement and its feedback form"),
}

ROUTES = {route.name: route for route in all_routes()}


def shows_client_data_by_rule(route: Route) -> bool:
    return route.name in CLIENT_LISTS or bool(CLIENT_OBJECT.search(route.path))


def test_every_view_is_classified():
    missing = sorted(set(ROUTES) - set(CLASSIFIED))
    assert not missing, (
        f"Classify these views in {__name__}: does each show client data (and how to open "
        f"it), is it POST only, or why does it show none? {missing}"
    )
    assert not sorted(set(CLASSIFIED) - set(ROUTES)), "classified views that no longer exist"


def test_no_view_the_rule_calls_client_data_is_exempted():
    exempted = [
        name
        for name, route in ROUTES.items()
        if shows_client_data_by_rule(route) and isinstance(CLASSIFIED.get(name), NoClientData)
    ]
    assert not exempted


@pytest.mark.parametrize(
    "name", sorted(name for name, kind in CLASSIFIED.items() if kind == POST_ONLY)
)
def test_post_only_views_refuse_get(login, name):
    if name not in ROUTES:
        pytest.skip(f"{name} is not in the URLconf")
    response = login("tym.oulu").get(ROUTES[name].path)
    assert response.status_code == 405, name


@pytest.mark.parametrize(
    "name", sorted(name for name, kind in CLASSIFIED.items() if isinstance(kind, Shows))
)
def test_a_view_that_shows_client_data_writes_the_use_log(login, name):
    if name not in ROUTES:
        pytest.skip(f"{name} is not in the URLconf")
    shows = CLASSIFIED[name]
    assert isinstance(shows, Shows)
    url = shows.url()
    before = timezone.now() - timedelta(seconds=1)
    client = login(shows.username)
    last = UseLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code == 200, (name, url, response.status_code)
    written = UseLogEntry.objects.filter(pk__gt=last, user__username=shows.username)
    assert written.exists(), f"{name} ({url}) showed client data and wrote no use-log row"
    assert all(entry.at >= before for entry in written)
