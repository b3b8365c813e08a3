"""The path walks itself (issue 11): the whole adult release path in the browser, by clicks
only from each person's front page, in Finnish and in Swedish.

1. rise.oulu logs a release five weeks ahead, records the client's consent for the
   wellbeing services county, and sends the referrals: to Oulun seutu under §28, and to
   the county on the consent.
2. tym.oulu finds the referral, accepts it, lands on its next step and starts job seeking.
3. koordinaattori.oulu finds the case from the navigation and schedules the assessment
   meeting with Oulun seutu and the county.
4. hva.pohjois (on a phone) accepts its referral and adds its part of the assessment.
5. A week later the coordinator records the meeting's minutes, tym.oulu completes the
   assessment and the plan is signed; on the release day Rise records the release; three
   months after it tym.oulu records the outcome and the 3-month follow-up.

After each step the case page shows the stages' statuses as the pathway's events moved
them. Every page is scanned with axe. Every label is the UI's own gettext string in the
journey's language, so that the test follows the translations and not their wording.
The server's clock moves with time_machine: the live server runs in this process.
"""

import datetime
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from playwright.sync_api import Locator, Page, expect

from agencies.models import Municipality
from core.dates import add_months, today
from pathways.models import Case, CaseStage, StageStatus
from plans.models import Domain, EmployerType, NeedLevel, OutcomeKind
from referrals.clients.identity import hetu_make
from referrals.events import PathEvent
from referrals.models import ConsentMethod, DataCategory, LegalBasis, ReferralStatus, ReleaseType

from ..conftest import DEMO_PASSWORD
from ..factories import agency

PHONE = {"width": 390, "height": 844}
DAYS_TO_RELEASE = 35  # the referral goes 1 to 3 months before the release

# The client of each journey: a new one for each language.
CLIENTS = {
    "fi": ("Kalle", "Polkunen", datetime.date(1984, 2, 29), 377),
    "sv": ("Karl", "Stigsson", datetime.date(1986, 7, 12), 583),
}

# The adult path's stages in order: the keys `Journey.expect_stages` takes, and their
# English names.
STAGES = {
    "preparation": "Release preparation",
    "referral": "Contact with the named contact person / referral",
    "job_seeking": "Job seeking starts",
    "assessment": "Multi-agency service-need assessment",
    "release": "Release",
    "plan": "Multi-agency employment plan",
    "services": "Services and network cooperation",
    "meeting": "Network meeting",
    "employment": "Employment",
}
DONE, IN_PROGRESS = StageStatus.DONE, StageStatus.IN_PROGRESS


def t(lang: str, message: str, **params: Any) -> str:
    """The UI's text of `message` in `lang`, with its placeholders filled in."""
    with translation.override(lang):
        text = gettext(message)
    return text % params if params else text


def name(lang: str, thing: Any) -> str:
    """A model's localized name (agency, municipality, stage ...) or a choice's label."""
    with translation.override(lang):
        return str(thing)  # LocalizedName's str() is its name in the active language


def starting(text: str) -> re.Pattern[str]:
    return re.compile(f"^{re.escape(text)}")


def at(day: datetime.date, hour: int) -> datetime.datetime:
    """`hour` o'clock of `day` in Helsinki, for the server's clock."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@contextmanager
def form_swapped(page: Page, selector: str) -> Iterator[None]:
    """Wait until htmx has replaced the element after what the block does (the referral
    form follows the chosen recipient and basis)."""
    page.locator(selector).evaluate("element => { element.dataset.stale = 'yes'; }")
    yield
    expect(page.locator(f"{selector}:not([data-stale])")).to_be_attached()


@pytest.fixture
def no_mail(monkeypatch):
    """The live server's transactions commit, so the services' on-commit hooks run: keep
    the invitation and e-mail tasks off the broker a development worker may read."""
    from meetings import tasks as meeting_tasks
    from notifications import tasks as notification_tasks

    for module in (meeting_tasks, notification_tasks):
        for attribute in dir(module):
            task = getattr(module, attribute)
            if hasattr(task, "delay"):
                monkeypatch.setattr(task, "delay", lambda *args, **kwargs: None)


@dataclass
class Journey:
    """One language's walk: who is where, and the checks every page gets."""

    lang: str
    base: str
    open_page: Callable[..., Page]
    assert_accessible: Callable[[Page], None]
    first_name: str
    last_name: str

    def t(self, message: str, **params: Any) -> str:
        return t(self.lang, message, **params)

    def name(self, thing: Any) -> str:
        return name(self.lang, thing)

    @property
    def client(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def case(self) -> Case:
        return Case.objects.get(client__last_name=self.last_name)

    def log_in(self, username: str, **options: Any) -> Page:
        """A browser of the person's own, at the login page: the language chosen from the
        header's switch, then logged in. Lands on the front page."""
        page = self.open_page(**options)
        page.goto(f"{self.base}/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", settings.LANGUAGE_CODE)
        if self.lang != settings.LANGUAGE_CODE:
            default = settings.LANGUAGE_CODE
            page.get_by_label(t(default, "Language")).select_option(self.lang)
            page.get_by_role("button", name=t(default, "Change language")).click()
            expect(page.locator("html")).to_have_attribute("lang", self.lang)
        self.check(page)
        # The User model's field name, as Django's login form labels it.
        page.get_by_label(capfirst(self.t("username"))).fill(username)
        page.get_by_label(self.t("Password")).fill(DEMO_PASSWORD)
        page.get_by_role("button", name=self.t("Log in")).click()
        expect(page.get_by_role("navigation", name=self.t("Main navigation"))).to_be_visible()
        expect(page).to_have_url(f"{self.base}/")
        self.check(page)
        return page

    def check(self, page: Page) -> None:
        """Every page: in the journey's language, and no axe violation."""
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        self.assert_accessible(page)

    def nav(self, page: Page, label: str) -> None:
        page.get_by_role("navigation", name=self.t("Main navigation")).get_by_role(
            "link", name=starting(label)
        ).click()

    def from_worklist(self, page: Page, section: str, *texts: str) -> None:
        """On the front page, follow the link of the worklist row that mentions each of
        `texts`, in the section whose title is `section`."""
        nav = page.get_by_role("navigation", name=self.t("Main navigation"))
        worklist = nav.get_by_role("link", name=starting(self.t("Worklist")))
        expect(worklist).to_have_attribute("aria-current", "page")
        rows = page.get_by_role("region", name=starting(self.t(section))).get_by_role("row")
        for text in texts:
            rows = rows.filter(has_text=text)
        rows.get_by_role("link").click()

    @property
    def listed(self) -> str:
        """The client as lists name them."""
        return f"{self.last_name}, {self.first_name}"

    def planning(self, page: Page, link: str) -> None:
        """Follow a link of the case page's assessment and plan section."""
        page.get_by_role("region", name=self.t("Assessment and plan")).get_by_role(
            "link", name=link, exact=True
        ).click()

    def status(self, page: Page, message: str) -> None:
        expect(page.get_by_role("status")).to_contain_text(message)

    def case_stage(self, key: str) -> CaseStage:
        return CaseStage.objects.select_related("stage").get(
            case=self.case(), stage__name_en=STAGES[key]
        )

    def stage_name(self, key: str) -> str:
        return self.name(self.case_stage(key).stage)

    def stage_block(self, page: Page, key: str) -> Locator:
        """The case page's block of the stage."""
        return page.locator(f"#stage-{self.case_stage(key).pk}")

    def expect_stages(self, page: Page, **statuses: StageStatus) -> None:
        """The case page lists the path's stages in order with these statuses (by the keys
        of STAGES); a stage not named is not started."""
        expect(page.get_by_role("heading", level=1)).to_have_text(self.client)
        with translation.override(self.lang):
            labels = {status: str(status.label) for status in StageStatus}
        expected = [
            ("✓ " if status == DONE else "") + labels[status]
            for status in (statuses.get(key, StageStatus.NOT_STARTED) for key in STAGES)
        ]
        expect(page.locator("li.stage h3.stage-name")).to_have_text(
            [self.stage_name(key) for key in STAGES]
        )
        expect(page.locator("li.stage .stage-status")).to_have_text(expected)

    def expect_on_timeline(self, page: Page, event: str, person: str) -> None:
        line = self.t(
            "Polku: %(event)s (%(person)s)",
            event=self.name(PathEvent(event).label),
            person=person,
        )
        timeline = page.get_by_role("region", name=self.t("What has happened on the path"))
        expect(timeline).to_contain_text(line)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_adult_path_walks_itself_by_clicks(
    lang, open_page, live_server, people, assert_accessible, no_mail
):
    first_name, last_name, birth_date, individual = CLIENTS[lang]
    walk = Journey(lang, live_server.url, open_page, assert_accessible, first_name, last_name)
    t_ = walk.t
    start = today()
    release_day = start + datetime.timedelta(days=DAYS_TO_RELEASE)
    meeting_day = start + datetime.timedelta(days=7)
    tym_oulu, county = agency("tym-oulu"), agency("hva-pohjois")
    consent_basis = LegalBasis.objects.get(is_consent=True)

    # 1. Rise logs the release ...
    rise = walk.log_in("rise.oulu")
    walk.nav(rise, t_("Upcoming releases"))
    expect(rise.get_by_role("heading", level=1)).to_have_text(t_("Upcoming releases"))
    walk.check(rise)
    rise.get_by_role("link", name=t_("Log a new release")).click()
    expect(rise.get_by_role("heading", level=1)).to_have_text(t_("Log a new release"))
    walk.check(rise)
    rise.get_by_label(t_("Personal identity code")).fill(hetu_make(birth_date, individual))
    rise.get_by_label(t_("First names")).fill(first_name)
    rise.get_by_label(t_("Last name")).fill(last_name)
    oulu = Municipality.objects.get(name_fi="Oulu")
    rise.get_by_label(t_("Home municipality"), exact=True).select_option(label=walk.name(oulu))
    rise.get_by_label(t_("Expected release date")).fill(release_day.isoformat())
    rise.get_by_label(t_("Release type")).select_option(
        label=walk.name(ReleaseType.CONDITIONAL.label)
    )
    rise.get_by_role("button", name=t_("Log the release")).click()
    walk.status(rise, t_("The release was logged and the client's path started."))
    walk.expect_stages(rise)
    walk.check(rise)

    # ... records the client's consent for the wellbeing services county ...
    rise.get_by_role("link", name=t_("The client's page and consents")).click()
    walk.check(rise)
    rise.get_by_role("link", name=t_("Record consent")).click()
    expect(rise.get_by_role("heading", level=1)).to_have_text(t_("Record consent"))
    walk.check(rise)
    rise.get_by_label(t_("To one agency")).select_option(label=walk.name(county))
    for code in (DataCategory.IDENTITY, DataCategory.SERVICE_NEEDS):
        category = DataCategory.objects.get(code=code)
        rise.get_by_label(walk.name(category), exact=True).check()
    rise.get_by_label(t_("How it was given")).select_option(
        label=walk.name(ConsentMethod.WRITTEN.label)
    )
    rise.get_by_label(t_("Valid until")).fill((start + datetime.timedelta(days=365)).isoformat())
    rise.get_by_role("button", name=t_("Record consent")).click()
    walk.status(rise, t_("The consent was recorded."))
    consents = rise.get_by_role("table", name=t_("Consents"))
    expect(consents).to_contain_text(walk.name(county))
    walk.check(rise)

    # ... and from the path sends the referral: routing suggests Oulun seutu and its
    # named Rise contact person, and the basis (§28) pre-ticks what it allows.
    rise.get_by_role("link", name=walk.name(walk.case().template)).click()
    walk.expect_stages(rise)
    walk.check(rise)
    rise.get_by_role("link", name=t_("Send a referral")).click()
    expect(rise.get_by_role("heading", level=1)).to_have_text(t_("Send a referral"))
    recipient = rise.get_by_label(t_("Recipient agency"))
    expect(recipient.locator("option:checked")).to_have_text(walk.name(tym_oulu))
    expect(rise.get_by_label(t_("Named contact person")).locator("option:checked")).to_have_text(
        "Tiina Toivonen"
    )
    identity = walk.name(DataCategory.objects.get(code=DataCategory.IDENTITY))
    expect(rise.get_by_label(identity, exact=True)).to_be_checked()
    walk.check(rise)
    rise.get_by_label(t_("Message")).fill("Tapaaminen vankilassa ennen vapautumista.")
    rise.get_by_role("button", name=t_("Send the referral")).click()
    walk.status(rise, t_("The referral was sent to %(agency)s.", agency=walk.name(tym_oulu)))
    walk.check(rise)

    # The county's referral rests on the consent: its recipient chosen, the form follows.
    rise.get_by_role("link", name=t_("The client's path")).click()
    walk.expect_stages(rise, preparation=DONE, referral=IN_PROGRESS)
    walk.check(rise)
    rise.get_by_role("link", name=t_("Send a referral")).click()
    with form_swapped(rise, "#referral-form"):
        rise.get_by_label(t_("Recipient agency")).select_option(label=walk.name(county))
    rise.get_by_label(t_("Named contact person")).select_option(label="Hanna Heikkinen")
    with form_swapped(rise, "#referral-form"):
        rise.get_by_label(t_("Legal basis")).select_option(label=walk.name(consent_basis))
    service_needs = walk.name(DataCategory.objects.get(code=DataCategory.SERVICE_NEEDS))
    expect(rise.locator(".checkbox--consent")).to_have_count(2)
    rise.get_by_label(identity, exact=True).check()
    rise.get_by_label(service_needs, exact=True).check()
    walk.check(rise)
    rise.get_by_role("button", name=t_("Send the referral")).click()
    walk.status(rise, t_("The referral was sent to %(agency)s.", agency=walk.name(county)))
    walk.check(rise)
    rise.get_by_role("link", name=t_("The client's path")).click()
    walk.expect_stages(rise, preparation=DONE, referral=IN_PROGRESS)
    walk.expect_on_timeline(rise, PathEvent.REFERRAL_SENT, "Riikka Rajala")
    walk.check(rise)

    # 2. The named contact person finds the referral, accepts it, and lands on its next
    # step: job seeking, now Oulun seutu's.
    tym = walk.log_in("tym.oulu")
    walk.from_worklist(tym, "Referrals to open or accept", walk.listed)
    expect(tym.get_by_text("Tapaaminen vankilassa ennen vapautumista.")).to_be_visible()
    walk.check(tym)
    tym.get_by_role("button", name=t_("Accept"), exact=True).click()
    actions = tym.locator("#referral-actions")
    expect(actions.locator("#actions-heading")).to_contain_text(
        walk.name(ReferralStatus.ACCEPTED.label)
    )
    next_step = tym.get_by_role("region", name=t_("What next"))
    job_seeking = walk.stage_name("job_seeking")
    expect(next_step).to_contain_text(job_seeking)
    walk.check(tym)
    next_step.get_by_role("link", name=t_("Open the client's path")).click()
    walk.expect_stages(tym, preparation=DONE, referral=DONE, job_seeking=IN_PROGRESS)
    walk.expect_on_timeline(tym, PathEvent.REFERRAL_ACCEPTED, "Tiina Toivonen")
    walk.check(tym)
    block = walk.stage_block(tym, "job_seeking")
    registered = walk.name(
        walk.case_stage("job_seeking").stage.checklist.get(name_en="Job search registered")
    )
    block.get_by_label(registered).check()
    block.get_by_role("button", name=starting(t_("Save the checklist"))).click()
    walk.status(tym, t_("Saved the checklist of “%(stage)s”.", stage=job_seeking))
    expect(walk.stage_block(tym, "job_seeking").get_by_label(registered)).to_be_checked()
    walk.expect_stages(tym, preparation=DONE, referral=DONE, job_seeking=IN_PROGRESS)
    walk.check(tym)

    # 3. The coordinator finds the path from the navigation and schedules the assessment
    # meeting; the needs' agencies are suggested with their people.
    coordinator = walk.log_in("koordinaattori.oulu")
    walk.nav(coordinator, t_("Clients' paths"))
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(t_("Clients' paths"))
    walk.check(coordinator)
    row = coordinator.get_by_role("row", name=re.compile(re.escape(walk.client)))
    row.get_by_role("link", name=walk.case().reference).click()
    walk.expect_stages(coordinator, preparation=DONE, referral=DONE, job_seeking=IN_PROGRESS)
    walk.check(coordinator)
    meetings = coordinator.get_by_role("region", name=t_("Network meetings"))
    meetings.get_by_role("link", name=t_("Schedule a meeting")).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        t_("Schedule a network meeting")
    )
    walk.check(coordinator)
    title = {"fi": "Arviointipalaveri", "sv": "Bedömningsmöte"}[lang]
    coordinator.get_by_label(t_("Title")).fill(title)
    coordinator.get_by_label(t_("Date"), exact=True).fill(meeting_day.isoformat())
    coordinator.get_by_label(t_("Starts at")).fill("10:00")
    coordinator.get_by_label(t_("Ends at")).fill("11:00")
    coordinator.get_by_label(t_("Place"), exact=True).fill("Oulun vankila, neuvotteluhuone")
    for invited, who in ((tym_oulu, "Tiina Toivonen"), (county, "Hanna Heikkinen")):
        expect(
            coordinator.get_by_label(t_("Invite %(agency)s", agency=walk.name(invited)))
        ).to_be_checked()
        expect(
            coordinator.get_by_label(t_("Who from %(agency)s", agency=walk.name(invited))).locator(
                "option:checked"
            )
        ).to_have_text(starting(who))
    coordinator.get_by_role("button", name=t_("Schedule and send the invitations")).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(title)
    walk.status(coordinator, t_("The meeting was scheduled and the invitations sent."))
    walk.check(coordinator)
    coordinator.get_by_role("link", name=t_("Back to the path")).click()
    expect(coordinator.get_by_role("region", name=t_("Network meetings"))).to_contain_text(title)
    walk.expect_stages(coordinator, preparation=DONE, referral=DONE, job_seeking=IN_PROGRESS)
    walk.check(coordinator)

    # 4. The county's social worker, on a phone, accepts the referral that the consent
    # allowed and adds the county's part of the assessment.
    hva = walk.log_in("hva.pohjois", viewport=PHONE)
    walk.from_worklist(hva, "Referrals to open or accept", walk.listed)
    walk.check(hva)
    hva.get_by_role("button", name=t_("Accept"), exact=True).click()
    next_step = hva.get_by_role("region", name=t_("What next"))
    expect(next_step).to_contain_text(
        t_("No stage of the client's path waits for your agency now.")
    )
    walk.check(hva)
    next_step.get_by_role("link", name=t_("Open the client's path")).click()
    walk.expect_stages(hva, preparation=DONE, referral=DONE, job_seeking=IN_PROGRESS)
    walk.check(hva)
    walk.planning(hva, t_("Service-need assessment"))
    expect(hva.get_by_role("heading", level=1)).to_have_text(t_("Service-need assessment"))
    walk.check(hva)
    substance = hva.get_by_role("group", name=walk.name(Domain.SUBSTANCE_USE.label))
    substance.get_by_label(t_("Need for support")).select_option(
        label=walk.name(NeedLevel.SIGNIFICANT.label)
    )
    substance.get_by_label(t_("Note")).fill("Päihdekuntoutus jatkuu avohoitona.")
    hva.get_by_role("button", name=t_("Save your agency's part")).click()
    walk.status(hva, t_("Your agency's part of the assessment was saved."))
    expect(hva.locator("#domain-substance_use")).to_contain_text("Päihdekuntoutus jatkuu")
    walk.check(hva)

    # 5. A week later the meeting has been held: the coordinator records its minutes with
    # an action for Oulun seutu, which lands in the plan.
    with time_machine.travel(at(meeting_day, 12), tick=True):
        coordinator = walk.log_in("koordinaattori.oulu")
        walk.from_worklist(coordinator, "Meetings this week", title)
        expect(coordinator.get_by_role("heading", level=1)).to_have_text(title)
        walk.check(coordinator)
        coordinator.get_by_label(t_("Minutes"), exact=True).fill("Palvelutarve käytiin läpi.")
        coordinator.get_by_label(t_("Decisions"), exact=True).fill("Työnhaku jatkuu.")
        first = coordinator.get_by_role("group", name=t_("Action %(number)s", number=1))
        first.get_by_label(t_("Action"), exact=True).fill("Työkokeilupaikan haku")
        first.get_by_label(t_("Owner agency")).select_option(label=walk.name(tym_oulu))
        first.get_by_label(t_("Due on")).fill(
            (meeting_day + datetime.timedelta(days=21)).isoformat()
        )
        coordinator.get_by_role("button", name=t_("Save the minutes")).click()
        walk.status(
            coordinator, t_("The minutes were saved and the actions added to the employment plan.")
        )
        walk.check(coordinator)
        coordinator.get_by_role("link", name=t_("Back to the path")).click()
        walk.expect_stages(
            coordinator,
            preparation=DONE,
            referral=DONE,
            job_seeking=IN_PROGRESS,
            meeting=DONE,
        )
        walk.expect_on_timeline(coordinator, PathEvent.MEETING_HELD, "Kaisa Koskela")
        walk.check(coordinator)

        # The assessment's stage waits on tym.oulu's worklist. From it, tym.oulu adds Oulun
        # seutu's part of the assessment, sums the needs up and completes it ...
        tym = walk.log_in("tym.oulu")
        walk.from_worklist(
            tym, "Stages with an open window", walk.stage_name("assessment"), walk.listed
        )
        walk.expect_stages(
            tym, preparation=DONE, referral=DONE, job_seeking=IN_PROGRESS, meeting=DONE
        )
        walk.check(tym)
        walk.planning(tym, t_("Service-need assessment"))
        expect(tym.locator("#domain-substance_use")).to_contain_text("Päihdekuntoutus jatkuu")
        walk.check(tym)
        work = tym.get_by_role("group", name=walk.name(Domain.WORK_CAPACITY.label))
        work.get_by_label(t_("Need for support")).select_option(
            label=walk.name(NeedLevel.SOME.label)
        )
        work.get_by_label(t_("Note")).fill("Hitsaajan pätevyys vanhentunut.")
        tym.get_by_role("button", name=t_("Save your agency's part")).click()
        walk.status(tym, t_("Your agency's part of the assessment was saved."))
        walk.check(tym)
        tym.get_by_text(t_("Write the summary")).click()
        tym.get_by_role("textbox", name=t_("Summary of needs"), exact=True).fill(
            "Työnhaku ja päihdekuntoutus rinnakkain."
        )
        tym.get_by_role("textbox", name=t_("Suggested services"), exact=True).fill(
            "Työkokeilu, avohoito."
        )
        walk.check(tym)
        tym.get_by_role("button", name=t_("Save the summary")).click()
        walk.status(tym, t_("The summary of needs was saved."))
        walk.check(tym)
        tym.get_by_role("button", name=t_("Complete the assessment")).click()
        walk.status(tym, t_("The assessment was completed."))
        walk.check(tym)

        # ... and the plan, started with the meeting's action, gets a goal, a sign-off
        # round, and Oulun seutu's sign-off.
        tym.get_by_role("link", name=t_("Employment plan"), exact=True).click()
        expect(tym.get_by_role("heading", level=1)).to_have_text(t_("Employment plan"))
        expect(tym.locator("table.plan-actions")).to_contain_text("Työkokeilupaikan haku")
        walk.check(tym)
        tym.get_by_label(t_("New goal")).fill("Työllistyminen hitsaajaksi.")
        tym.get_by_role("button", name=t_("Add the goal")).click()
        walk.status(tym, t_("The goal was added."))
        walk.check(tym)
        tym.get_by_role("button", name=t_("Start a sign-off round")).click()
        walk.status(
            tym, t_("Version %(number)d was made; the agencies can now sign it off.", number=1)
        )
        walk.check(tym)
        tym.get_by_role(
            "button", name=t_("Sign off version %(number)s for your agency", number=1)
        ).click()
        walk.status(tym, t_("Your agency signed off version %(number)d.", number=1))
        walk.check(tym)
        tym.get_by_role("link", name=t_("Back to the plan")).click()
        expect(tym.get_by_role("heading", level=1)).to_have_text(t_("Employment plan"))
        walk.check(tym)
        tym.get_by_role("link", name=t_("Back to the path")).click()
        walk.expect_stages(
            tym,
            preparation=DONE,
            referral=DONE,
            job_seeking=IN_PROGRESS,
            assessment=DONE,
            plan=DONE,
            services=IN_PROGRESS,
            meeting=DONE,
        )
        walk.expect_on_timeline(tym, PathEvent.ASSESSMENT_COMPLETED, "Tiina Toivonen")
        walk.expect_on_timeline(tym, PathEvent.PLAN_SIGNED, "Tiina Toivonen")
        walk.check(tym)

    # On the release day Rise records the release, on a phone.
    with time_machine.travel(at(release_day, 9), tick=True):
        rise = walk.log_in("rise.oulu", viewport=PHONE)
        walk.nav(rise, t_("Upcoming releases"))
        walk.check(rise)
        row = rise.get_by_role("row", name=re.compile(re.escape(walk.client)))
        row.get_by_role("link", name=walk.case().reference).click()
        expect(rise.get_by_text(t_("Released today."))).to_be_visible()
        walk.check(rise)
        rise.get_by_role("link", name=t_("Record the release")).click()
        expect(rise.get_by_role("heading", level=1)).to_have_text(t_("Record the release"))
        walk.check(rise)
        rise.get_by_role("button", name=t_("Record the release")).click()
        with translation.override(lang):
            shown_day = formats.date_format(release_day, "SHORT_DATE_FORMAT")
        walk.status(
            rise, t_("The release on %(day)s was recorded; the path moved on.", day=shown_day)
        )
        after_release: dict[str, StageStatus] = {
            "preparation": DONE,
            "referral": DONE,
            "job_seeking": IN_PROGRESS,
            "assessment": DONE,
            "release": DONE,
            "plan": DONE,
            "services": IN_PROGRESS,
            "meeting": DONE,
        }
        walk.expect_stages(rise, **after_release)
        walk.expect_on_timeline(rise, PathEvent.RELEASE_RECORDED, "Riikka Rajala")
        walk.check(rise)

    # Three months after the release, tym.oulu records the outcome and its follow-up.
    with time_machine.travel(at(add_months(release_day, 3), 10), tick=True):
        # The plan's review is due on the worklist: the outcome is recorded from the plan.
        tym = walk.log_in("tym.oulu")
        walk.from_worklist(tym, "Employment plans and reviews due", walk.listed)
        expect(tym.get_by_role("heading", level=1)).to_have_text(t_("Employment plan"))
        walk.check(tym)
        tym.get_by_role("link", name=t_("Record an outcome")).click()
        expect(tym.get_by_role("heading", level=1)).to_have_text(t_("Record an outcome"))
        walk.check(tym)
        tym.get_by_label(walk.name(OutcomeKind.EMPLOYMENT.label), exact=True).check()
        tym.get_by_label(t_("Employer type")).select_option(
            label=walk.name(EmployerType.PRIVATE.label)
        )
        started = release_day + datetime.timedelta(days=30)
        tym.get_by_label(t_("Start date")).fill(started.isoformat())
        tym.get_by_role("button", name=t_("Save")).click()
        walk.status(tym, t_("The outcome was recorded."))
        walk.check(tym)
        # With the outcome, the 3-month follow-up is due on the worklist.
        walk.nav(tym, t_("Worklist"))
        walk.check(tym)
        walk.from_worklist(tym, "Outcome follow-ups due", walk.listed)
        expect(tym.get_by_role("heading", level=1)).to_have_text(t_("Employment plan"))
        walk.check(tym)
        tym.get_by_role("link", name=t_("Record a follow-up")).click()
        expect(tym.get_by_role("heading", level=1)).to_have_text(t_("Record a follow-up"))
        walk.check(tym)
        tym.get_by_label(t_("3 months after release")).check()
        tym.get_by_role("group", name=t_("Does the outcome still hold?")).get_by_label(
            t_("Yes")
        ).check()
        tym.get_by_role("button", name=t_("Save")).click()
        walk.status(tym, t_("The follow-up was recorded."))
        outcomes = tym.get_by_role("region", name=t_("Outcomes and follow-up"))
        expect(outcomes).to_contain_text(t_("the outcome still holds"))
        walk.check(tym)
        tym.get_by_role("link", name=t_("Back to the path")).click()
        walk.expect_stages(tym, **after_release, employment=DONE)
        walk.expect_on_timeline(tym, PathEvent.OUTCOME_RECORDED, "Tiina Toivonen")
        walk.check(tym)
