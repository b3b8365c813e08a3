import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Agency, AgencyKind, ContactPerson
from history.models import ChangeRecord, ObjectKind
from plans.models import Assessment, AssessmentEntry, Domain, NeedLevel
from plans.selectors import assessment_suggested_agencies
from plans.services import assessment_entries_save
from referrals.models import LogPurpose, UseLogEntry
from referrals.selectors import client_access

from ..factories import agency, demo_people, mikko_planned, user
from .helpers import assessment_of, mikko, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, and Mikko's path with his assessment and plan."""
    module_world(demo_people)
    module_world(mikko_planned)


# plans/demo.py: Oulun seutu assessed work capacity and education, the county housing,
# finances and substance use.
TYM_NOTE = "Hitsaajan työkyky arvioitava ennen työkokeilua."
HEALTH_DOMAINS = {Domain.WORK_CAPACITY, Domain.SUBSTANCE_USE, Domain.MENTAL_HEALTH}
ALL = {
    ("work_capacity", "tym-oulu"),
    ("education", "tym-oulu"),
    ("housing", "hva-pohjois"),
    ("finances", "hva-pohjois"),
    ("substance_use", "hva-pohjois"),
}
# Per persona: the entries shown. The county has only service needs by consent: it sees
# its own substance-use entry but not Oulun seutu's work-capacity one.
SEEN = {
    "rise.oulu": ALL,
    "tym.oulu": ALL,
    "koordinaattori.oulu": ALL,
    "hva.pohjois": ALL - {("work_capacity", "tym-oulu")},
}
KEYS = {
    "Oulun seudun työllisyysalue": "tym-oulu",
    "Pohjois-Pohjanmaan hyvinvointialue": "hva-pohjois",
}


def page(login, username):
    return login(username).get(reverse("case-assessment", args=[mikko().public_id]))


@pytest.mark.parametrize("username", sorted(SEEN))
def test_each_agency_sees_the_entries_its_categories_allow(login, username):
    response = page(login, username)
    assert response.status_code == 200
    rows = response.context["rows"]
    seen = {(row.domain, KEYS[entry.agency.name_fi]) for row in rows for entry in row.entries}
    assert seen == SEEN[username]
    withheld = {row.domain for row in rows if not row.shown}
    if username == "hva.pohjois":
        assert withheld == HEALTH_DOMAINS
        assert TYM_NOTE not in response.content.decode()
    else:
        assert withheld == set()
        assert TYM_NOTE in response.content.decode()


@pytest.mark.parametrize("username", ["tym.tampere", "kela.pohjoinen", "priima.butti"])
def test_agencies_without_access_get_a_404(login, username):
    assert page(login, username).status_code == 404


def test_the_page_is_use_logged_with_the_categories_shown(login):
    before = UseLogEntry.objects.count()
    page(login, "hva.pohjois")
    entry = UseLogEntry.objects.order_by("-pk").first()
    assert UseLogEntry.objects.count() == before + 1
    assert entry.purpose == LogPurpose.ASSESSMENT
    assert entry.client == mikko().client
    # Its own substance-use entry is health data of the client, shown to it.
    assert set(entry.categories) == {"identity", "service_needs", "health"}


def test_an_agency_saves_its_own_part_and_cannot_touch_anothers(login):
    case = mikko()
    tym_before = list(
        AssessmentEntry.objects.filter(assessment__case=case, agency=agency("tym-oulu"))
        .order_by("domain")
        .values_list("domain", "need", "note")
    )
    data = {f"need_{d}": "" for d in Domain.values} | {f"note_{d}": "" for d in Domain.values}
    # The county's form: it rewrites work capacity (Oulun seutu's entry there is not its
    # own) and drops finances.
    data |= {
        "need_work_capacity": "significant",
        "note_work_capacity": "Oma arvio",
        "need_housing": "significant",
        "note_housing": "Ei asuntoa.",
        "need_substance_use": "some",
    }
    response = login("hva.pohjois").post(reverse("assessment-entries", args=[case.public_id]), data)
    assert response.status_code == 302
    hva = dict(
        AssessmentEntry.objects.filter(
            assessment__case=case, agency=agency("hva-pohjois")
        ).values_list("domain", "need")
    )
    assert hva == {
        "work_capacity": "significant",
        "housing": "significant",
        "substance_use": "some",
    }
    assert (
        list(
            AssessmentEntry.objects.filter(assessment__case=case, agency=agency("tym-oulu"))
            .order_by("domain")
            .values_list("domain", "need", "note")
        )
        == tym_before
    )
    record = ChangeRecord.objects.filter(
        object_kind=ObjectKind.ASSESSMENT, object_id=assessment_of(case).public_id
    ).first()
    assert record.action == "entries saved"
    assert record.agency == agency("hva-pohjois")
    assert "finances.need" in record.fields
    assert "Ei asuntoa." not in str(record.fields)


def test_a_note_without_a_need_level_is_refused_on_its_field_and_nothing_is_saved(login):
    case = mikko()
    before = list(AssessmentEntry.objects.filter(assessment__case=case).values())
    data = {f"need_{d}": "" for d in Domain.values} | {f"note_{d}": "" for d in Domain.values}
    data |= {"need_education": "significant", "note_housing": "Muistiinpano ilman tasoa"}
    response = login("tym.oulu").post(reverse("assessment-entries", args=[case.public_id]), data)
    assert response.status_code == 400
    assert set(response.context["entries_form"].errors) == {"need_housing"}
    assert list(AssessmentEntry.objects.filter(assessment__case=case).values()) == before


def test_an_unknown_need_level_is_a_field_error(login):
    case = mikko()
    response = login("tym.oulu").post(
        reverse("assessment-entries", args=[case.public_id]), {"need_housing": "enormous"}
    )
    assert response.status_code == 400
    assert "need_housing" in response.context["entries_form"].errors


def test_only_an_agency_that_sees_the_client_writes_entries():
    with pytest.raises(PermissionDenied):
        assessment_entries_save(
            case=mikko(),
            user=user("tym.tampere"),
            agency=agency("tym-tampere"),
            entries={Domain.HOUSING: (NeedLevel.SOME, "")},
        )


def test_summary_and_completion_by_the_employment_area_or_a_coordinator(login):
    case = mikko()
    complete = reverse("assessment-move", args=[case.public_id, "complete"])
    reopen = reverse("assessment-move", args=[case.public_id, "reopen"])
    assert login("hva.pohjois").post(complete).status_code == 403
    assert login("rise.oulu").post(complete).status_code == 403
    summary = reverse("assessment-summary", args=[case.public_id])
    assert login("hva.pohjois").post(summary, {"summary": "x"}).status_code == 403
    kaisa = login("koordinaattori.oulu")
    response = kaisa.post(
        summary,
        {
            "summary": "Asunto ensin.",
            "suggested_services": "Asumisneuvonta",
            "suggested_agencies": [agency("hva-pohjois").pk],
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=case)
    assert assessment.summary == "Asunto ensin."
    assert list(assessment.suggested_agencies.all()) == [agency("hva-pohjois")]
    assert kaisa.post(complete).status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_at is not None
    # Completed: nobody changes the parts until it is reopened.
    response = login("hva.pohjois").post(
        reverse("assessment-entries", args=[case.public_id]), {"need_housing": "none"}
    )
    assert response.status_code == 409
    assert not AssessmentEntry.objects.filter(
        assessment=assessment, domain="housing", need="none"
    ).exists()
    assert kaisa.post(complete).status_code == 409
    assert login("tym.oulu").post(reopen).status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_at is None
    actions = list(
        ChangeRecord.objects.filter(
            object_kind=ObjectKind.ASSESSMENT, object_id=assessment.public_id
        ).values_list("action", flat=True)[:3]
    )
    assert actions == ["reopened", "completed", "summary saved"]


def test_completing_needs_a_summary(login):
    case = new_case()
    assessment_entries_save(
        case=case,
        user=user("tym.oulu"),
        agency=agency("tym-oulu"),
        entries={Domain.EDUCATION: (NeedLevel.SOME, "")},
    )
    response = login("tym.oulu").post(reverse("assessment-move", args=[case.public_id, "complete"]))
    assert response.status_code == 400
    assert Assessment.objects.get(case=case).completed_at is None


def test_suggested_agencies_follow_the_needs_with_their_contact_persons():
    assessment = assessment_of(mikko())
    found = {
        a.name_fi: (people, domains)
        for a, people, domains in assessment_suggested_agencies(assessment=assessment)
    }
    assert set(found) == {
        "Oulun seudun työllisyysalue",
        "Pohjois-Pohjanmaan hyvinvointialue",
        "Kela, pohjoinen asiakaspalveluyksikkö",
    }
    tym_people, tym_domains = found["Oulun seudun työllisyysalue"]
    assert tym_domains == ["work_capacity", "education"]
    assert {p.username for p in tym_people} == {"tym.oulu", "koordinaattori.oulu"}
    assert found["Pohjois-Pohjanmaan hyvinvointialue"][1] == [
        "housing",
        "finances",
        "substance_use",
    ]
    assert found["Kela, pohjoinen asiakaspalveluyksikkö"][1] == ["finances"]
    assert {p.username for p in found["Kela, pohjoinen asiakaspalveluyksikkö"][0]} == set(
        ContactPerson.objects.filter(agency__kind=AgencyKind.KELA).values_list(
            "person__username", flat=True
        )
    )
    # Seen by the county, Oulun seutu's work-capacity need (health) does not count.
    county = client_access(agency=agency("hva-pohjois"), client=mikko().client)
    for a, _people, domains in assessment_suggested_agencies(assessment=assessment, access=county):
        assert "work_capacity" not in domains, a


def test_a_social_network_need_calls_for_an_ngo_serving_the_municipality():
    case = new_case()
    ngo = Agency.objects.get(name_fi="Priima Butti -hanke")
    ngo.municipalities.add(case.release.municipality_after)
    assessment = assessment_entries_save(
        case=case,
        user=user("tym.oulu"),
        agency=agency("tym-oulu"),
        entries={Domain.SOCIAL_NETWORK: (NeedLevel.SIGNIFICANT, ""), Domain.HOUSING: ("none", "")},
    )
    found = {
        a.name_fi: domains
        for a, _p, domains in assessment_suggested_agencies(assessment=assessment)
    }
    assert found == {"Priima Butti -hanke": ["social_network"]}


def test_the_page_makes_as_many_queries_with_more_entries(login):
    case = mikko()
    client = login("tym.oulu")
    url = reverse("case-assessment", args=[case.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    others = [agency(key) for key in ("rise-prison", "rise-office", "kela", "priima")]
    AssessmentEntry.objects.bulk_create(
        AssessmentEntry(
            assessment=assessment_of(case),
            agency=other,
            domain=domain,
            need=NeedLevel.SOME,
            note="Lisää",
            author=user("tym.oulu"),
        )
        for other in others
        for domain in Domain.values
    )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
