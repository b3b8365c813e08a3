"""The case list: every client-work agency reaches the active paths it answers for (Rise
the releases it logged), with filters, in a fixed number of queries."""

import pytest
from django.urls import reverse

from core.dates import today
from pathways.cases.services import case_close
from pathways.models import Case, CaseStage, CaseStatus, StageStatus
from referrals.models import UseLogEntry

from ..factories import ClientFactory, agency, user
from .path_helpers import DAY, accept, oulu_case, refer

pytestmark = pytest.mark.django_db
JOB_SEEKING = "Työnhaun käynnistäminen"
ASSESSMENT = "Monialainen palvelutarpeen arviointi"


def listed(client, **params) -> list[Case]:
    response = client.get(reverse("case-list"), params)
    assert response.status_code == 200
    return [row.case for row in response.context["rows"]]


def row_of(response, case: Case):
    return next(row for row in response.context["rows"] if row.case.pk == case.pk)


def test_the_coordinator_lists_every_path_its_agency_answers_for(login):
    referred = oulu_case(75)
    accept(refer(referred))
    unreferred = oulu_case(120)
    closed = oulu_case(80)
    case_close(
        case=closed, membership=user("rise.oulu").memberships.get(agency=agency("rise-prison"))
    )
    tampere = oulu_case(75, municipality="Tampere")
    coordinator = login("koordinaattori.oulu")
    response = coordinator.get(reverse("case-list"), {"page": 1})
    ids = {
        case.pk
        for case in Case.objects.filter(
            status=CaseStatus.ACTIVE, stages__responsible_agency=agency("tym-oulu")
        )
    }
    assert response.context["page"].paginator.count == len(ids)
    shown = set()
    for page in range(1, response.context["page"].paginator.num_pages + 1):
        shown |= {case.pk for case in listed(coordinator, page=page)}
    assert shown == ids
    assert referred.pk in shown
    assert unreferred.pk in shown
    assert closed.pk not in shown
    assert tampere.pk not in shown


def test_names_and_links_only_where_the_agency_may_see_them(login):
    referred = oulu_case(3)
    accept(refer(referred))
    # A name no demo client has: the page lists the demo's paths too.
    unreferred = oulu_case(4, client=ClientFactory(last_name="Näkymätönnimi"))
    response = login("koordinaattori.oulu").get(reverse("case-list"))
    page = response.content.decode()
    seen, unseen = row_of(response, referred), row_of(response, unreferred)
    client = referred.client
    assert seen.may_open
    assert seen.client_name == f"{client.first_name} {client.last_name}"
    assert seen.release_date == referred.release.expected_date
    assert reverse("case-detail", args=[referred.public_id]) in page
    assert not unseen.may_open
    assert unseen.client_name == ""
    assert unseen.release_date is None
    assert unseen.release_withheld
    assert unreferred.reference in page
    assert unreferred.client.last_name not in page
    assert reverse("case-detail", args=[unreferred.public_id]) not in page
    # The clients shown are use-logged, those not shown are not.
    logged = UseLogEntry.objects.filter(user=user("koordinaattori.oulu"), path=reverse("case-list"))
    assert logged.filter(client=client).exists()
    assert not logged.filter(client=unreferred.client).exists()


def test_tampere_sees_none_of_ouluss_paths(login):
    oulu = oulu_case(75)
    accept(refer(oulu))
    tampere = oulu_case(75, municipality="Tampere")
    shown = listed(login("tym.tampere"))
    assert tampere in shown
    assert oulu not in shown
    assert all(
        case.stages.filter(responsible_agency=agency("tym-tampere")).exists() for case in shown
    )
    assert not [case for case in shown if case.stages.filter(responsible_agency=agency("tym-oulu"))]


def test_rise_lists_the_releases_it_logged(login):
    mine = oulu_case(75)
    response = login("rise.oulu").get(reverse("case-list"))
    assert mine in [row.case for row in response.context["rows"]]
    assert response.context["is_rise"]
    assert reverse("release-new") in response.content.decode()
    cases = Case.objects.filter(started_by=agency("rise-prison"), status=CaseStatus.ACTIVE)
    assert response.context["page"].paginator.count == cases.count()


def test_the_stage_filter_finds_the_current_stage(login):
    started = oulu_case(75)
    accept(refer(started))  # accepting starts the job-seeking stage
    CaseStage.objects.filter(case=started, stage__name_fi=JOB_SEEKING).update(
        status=StageStatus.IN_PROGRESS
    )
    waiting = oulu_case(76)
    coordinator = login("koordinaattori.oulu")
    on_job_seeking = listed(coordinator, stage=JOB_SEEKING)
    assert started in on_job_seeking
    assert waiting not in on_job_seeking
    # A path with nothing in progress is at its first stage not started.
    first = CaseStage.objects.filter(case=waiting).order_by("stage__order").first()
    assert waiting in listed(coordinator, stage=first.stage.name_fi)
    response = coordinator.get(reverse("case-list"), {"stage": JOB_SEEKING})
    assert row_of(response, started).current.stage.name_fi == JOB_SEEKING
    # Once job seeking is done and nothing is in progress, the next stage not started.
    CaseStage.objects.filter(case=started, stage__order__lte=3).update(status=StageStatus.DONE)
    assert started not in listed(coordinator, stage=JOB_SEEKING)
    assert started in listed(coordinator, stage=ASSESSMENT)


def test_the_release_window_filter(login):
    soon = oulu_case(20)
    later = oulu_case(50)
    far = oulu_case(100)
    for case in (soon, later, far):
        accept(refer(case))
    coordinator = login("koordinaattori.oulu")
    within_month = listed(coordinator, release_within="30")
    assert soon in within_month
    assert later not in within_month
    within_two = listed(coordinator, release_within="60")
    assert {soon, later} <= set(within_two)
    assert far not in within_two
    dates = listed(
        coordinator,
        released_from=(today() + 40 * DAY).isoformat(),
        released_until=(today() + 110 * DAY).isoformat(),
    )
    assert {later, far} <= set(dates)
    assert soon not in dates


def test_the_release_window_never_matches_an_undisclosed_date(login):
    hidden = oulu_case(10)  # no referral yet: Oulun seutu does not see the date
    assert hidden not in listed(login("koordinaattori.oulu"), release_within="30")


def test_the_overdue_filter_and_flag(login):
    late = oulu_case(10)  # job seeking's window closed 30 days before the release
    accept(refer(late))
    on_time = oulu_case(100)
    accept(refer(on_time))
    coordinator = login("koordinaattori.oulu")
    overdue = listed(coordinator, overdue="on")
    assert late in overdue
    assert on_time not in overdue
    response = coordinator.get(reverse("case-list"))
    assert row_of(response, late).overdue
    assert not row_of(response, on_time).overdue
    # Done is not overdue.
    CaseStage.objects.filter(case=late, responsible_agency=agency("tym-oulu")).update(
        status=StageStatus.DONE
    )
    assert late not in listed(coordinator, overdue="on")


def test_the_overdue_filter_does_not_reveal_withheld_windows(login):
    late = oulu_case(10)
    accept(refer(late, codes=("identity", "service_needs")))
    coordinator = login("koordinaattori.oulu")
    assert late not in listed(coordinator, overdue="on")
    assert not row_of(coordinator.get(reverse("case-list")), late).overdue


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"release_within": "30", "released_from": "2027-01-01"}, "__all__"),
        ({"released_from": "2027-02-01", "released_until": "2027-01-01"}, "released_until"),
        ({"stage": "No such stage"}, "stage"),
        ({"release_within": "45"}, "release_within"),
        ({"released_from": "1.2.2027x"}, "released_from"),
    ],
)
def test_bad_filters_are_refused_with_their_errors(login, params, field):
    response = login("koordinaattori.oulu").get(reverse("case-list"), params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["rows"] == []
    assert 'role="alert"' in response.content.decode() or "field-error" in (
        response.content.decode()
    )


def test_the_query_count_does_not_grow_with_the_cases(login, django_assert_max_num_queries):
    coordinator = login("koordinaattori.oulu")
    existing = Case.objects.filter(stages__responsible_agency=agency("tym-oulu")).distinct()
    for _ in range(max(0, 5 - existing.count())):
        accept(refer(oulu_case(60)))
    coordinator.get(reverse("case-list"))
    with django_assert_max_num_queries(12) as five:
        coordinator.get(reverse("case-list"))
    for days in range(30):
        accept(refer(oulu_case(31 + days)))
    with django_assert_max_num_queries(len(five)) as thirty:
        response = coordinator.get(reverse("case-list"), {"overdue": "", "stage": ""})
    assert len(response.context["rows"]) == 25
    assert len(thirty) == len(five)


def test_the_navigation_links_the_list_for_every_client_worker(login):
    for username, label in (
        ("koordinaattori.oulu", "Clients' paths"),
        ("tym.oulu", "Clients' paths"),
        ("rise.oulu", "Vapautuvat"),
    ):
        page = login(username).get(reverse("inbox")).content.decode()
        nav = page[page.index('class="main-nav"') : page.index("</nav>")]
        assert reverse("case-list") in nav, username
        assert label in nav or "Asiakkaiden polut" in nav, username
    page = login("tietosuoja").get(reverse("notification-list")).content.decode()
    assert reverse("case-list") not in page
