import datetime
import itertools
import uuid
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from agencies.models import Municipality
from pathways.cases.services import release_case_start
from pathways.models import Case, CaseStatus
from plans.models import Assessment, AssessmentEntry, Domain, NeedLevel
from referrals.clients.identity import hetu_make
from referrals.models import Client, LogPurpose, ReleaseType
from referrals.services import use_log_write
from retention.defaults import retention_defaults_load

from ..factories import ClientFactory, ClosedReferralFactory, agency, user

_individual = itertools.count(600)


def today() -> datetime.date:
    return timezone.localdate()


def years_ago(years: int, days: int = 0) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=round(365.25 * years) + days)


@pytest.fixture
def rules(personas):
    retention_defaults_load()


def new_client(**changes) -> Client:
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=next(_individual) * 37)
    return ClientFactory(hetu=hetu_make(born, 300 + next(_individual) % 600), **changes)


def released_client(*, closed: bool = True, assessed: bool = False) -> Client:
    """A client released 80 days after being logged, referred to Oulun seutu, the
    referral closed and, if `closed`, the case too (there is no closing service yet)."""
    case = release_case_start(
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        client=new_client(),
        rise_unit=agency("rise-prison"),
        expected_date=today() + datetime.timedelta(days=80),
        release_type=ReleaseType.CONDITIONAL,
        municipality_after=Municipality.objects.get(name_fi="Oulu"),
        submission_key=uuid.uuid4(),
    )
    ClosedReferralFactory(client=case.client, message="Hitsaaja, puh. 040 123 4567")
    if assessed:
        assessment = Assessment.objects.create(case=case, summary="Asunto puuttuu")
        for domain, note in ((Domain.MENTAL_HEALTH, "Masennus"), (Domain.HOUSING, "Asunnoton")):
            AssessmentEntry.objects.create(
                assessment=assessment,
                agency=agency("tym-oulu"),
                domain=domain,
                need=NeedLevel.SOME,
                note=note,
                author=user("tym.oulu"),
            )
    if closed:
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    return case.client


@dataclass
class World:
    anonymise: Client  # released 7 years ago, everything closed: every category due
    delete: Client  # recorded 7 years ago and never used: nothing refers to it
    clear: Client  # released 4 years 4 months ago: 381/2023 due, 1301/2021 not yet
    ongoing: Client  # an active case untouched for 7 years: kept, counted as stale
    recent: Client  # released this year: nothing due


@pytest.fixture
def world(rules) -> World:
    with time_machine.travel(years_ago(7), tick=False):
        anonymise = released_client(assessed=True)
        use_log_write(
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
            clients=[(anonymise, ["identity"])],
            purpose=LogPurpose.REFERRAL,
            path="/old",
        )
        delete = new_client(phone="040 765 4321", email="vanha@example.fi")
        ongoing = released_client(closed=False)
    with time_machine.travel(years_ago(4, days=200), tick=False):
        clear = released_client(assessed=True)
    recent = released_client()
    return World(anonymise=anonymise, delete=delete, clear=clear, ongoing=ongoing, recent=recent)
