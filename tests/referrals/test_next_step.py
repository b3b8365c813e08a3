"""After accepting, the referral page says what comes next for the agency and links to
the client's path; a returned referral gives its sender a next step too; the referral and
client pages link to the client's paths wherever the viewer may open them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats

from core.dates import today
from pathways.kela.services import kela_guidance_start
from pathways.models import Case, CaseStage, StageStatus
from referrals.services import referral_create, referral_return, referral_withdraw

from ..factories import agency, basis, categories, demo_people, jari_case, mikko_case, user
from ..pathways.path_helpers import accept, oulu_case, refer

pytestmark = pytest.mark.django_db
JOB_SEEKING = "Työnhaun käynnistäminen"


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, Mikko and Jari."""
    module_world(demo_people)
    module_world(mikko_case)
    module_world(jari_case)


def case_url(case: Case) -> str:
    return reverse("case-detail", args=[case.public_id])


def short(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def test_accepting_shows_the_agencys_stage_its_window_and_checklist(login):
    case = oulu_case(75)
    referral = refer(case)
    tym = login("tym.oulu")
    url = reverse("referral-detail", args=[referral.public_id])
    tym.get(url)  # opens it
    before = tym.get(url).content.decode()
    assert 'id="next-step-heading"' not in before
    # Before acceptance the case is already linked (the grants came with the referral).
    assert case_url(case) in before

    response = tym.post(
        reverse("referral-move", args=[referral.public_id, "accept"]),
        {"assignee": user("tym.oulu").pk},
        follow=True,
    )
    page = response.content.decode()
    step = response.context["path"].next_step
    assert step.stage == JOB_SEEKING
    # Accepting the referral starts the stage (the path's events); in progress counts.
    assert step.status in {StageStatus.IN_PROGRESS, StageStatus.NOT_STARTED}
    assert (step.opens, step.closes) == (
        case.anchor_date - timedelta(days=90),
        case.anchor_date - timedelta(days=30),
    )
    assert 'id="next-step-heading"' in page
    assert JOB_SEEKING in page
    assert short(step.opens) in page
    assert short(step.closes) in page
    assert "Työnhaku käynnistetty" in page  # the stage's first checklist item
    assert f'class="button" href="{case_url(case)}"' in page
    assert case.reference in page


def test_the_htmx_accept_swaps_in_the_next_step(login):
    case = oulu_case(75)
    referral = refer(case)
    tym = login("tym.oulu")
    response = tym.post(
        reverse("referral-move", args=[referral.public_id, "accept"]),
        {"assignee": user("tym.oulu").pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    panel = response.content.decode()
    assert panel.lstrip().startswith("<section")
    assert 'id="referral-actions"' in panel
    assert 'id="next-step-heading"' in panel
    assert JOB_SEEKING in panel
    assert case_url(case) in panel


def test_without_the_release_category_the_window_is_withheld(login):
    case = oulu_case(75)
    referral = accept(refer(case, codes=("identity", "service_needs")))
    response = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    step = response.context["path"].next_step
    assert step.stage == JOB_SEEKING
    assert step.window_withheld
    assert step.opens is None
    assert step.closes is None
    page = response.content.decode()
    assert short(case.anchor_date - timedelta(days=90)) not in page
    assert "Työnhaku käynnistetty" in page


def test_the_next_step_is_the_first_open_stage_of_the_agency(login):
    case = oulu_case(75)
    referral = accept(refer(case))
    CaseStage.objects.filter(case=case, stage__name_fi=JOB_SEEKING).update(status=StageStatus.DONE)
    response = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    assert response.context["path"].next_step.stage == "Monialainen palvelutarpeen arviointi"
    CaseStage.objects.filter(case=case, responsible_agency=agency("tym-oulu")).update(
        status=StageStatus.DONE
    )
    response = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    assert response.context["path"].next_step.stage == ""
    assert case_url(case) in response.content.decode()


def test_the_sender_sees_no_next_step_box_but_the_link(login):
    case = oulu_case(75)
    referral = accept(refer(case))
    response = login("rise.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    assert response.context["path"].next_step is None
    page = response.content.decode()
    assert 'id="next-step-heading"' not in page
    assert case_url(case) in page


def test_a_returned_referral_gives_the_sender_the_reason_and_another_recipient(login):
    case = oulu_case(75)
    referral = refer(case)
    referral_return(
        referral=referral,
        user=user("tym.oulu"),
        agency=agency("tym-oulu"),
        reason="Asiakas muuttaa Tampereelle.",
    )
    page = login("rise.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    text = page.content.decode()
    resend = (
        reverse("referral-new", args=[case.client.public_id]) + f"?release={case.release.public_id}"
    )
    assert 'id="next-step-heading"' in text
    assert "Asiakas muuttaa Tampereelle." in text
    assert f'href="{resend}"' in text
    assert login("rise.oulu").get(resend).status_code == 200
    # The recipient that returned it gets no such step.
    returned = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    assert "referral-new" not in returned.content.decode()
    assert resend not in returned.content.decode()


def test_a_returned_free_referral_is_sent_again_without_a_release(login):
    mikko = mikko_case().client
    referral = referral_create(
        client=mikko,
        sender=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency("tym-oulu"),
        recipient_person=user("tym.oulu"),
        basis=basis("1301-2021-28"),
        categories=categories("identity"),
        message="Vapaa lähete",
    )
    referral_return(
        referral=referral, user=user("tym.oulu"), agency=agency("tym-oulu"), reason="Ei meille."
    )
    page = login("rise.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    resend = reverse("referral-new", args=[mikko.public_id])
    assert f'href="{resend}"' in page.content.decode()
    # A free referral belongs to no path.
    assert page.context["path"] is None


def test_an_agency_whose_access_ended_gets_no_link(login):
    case = oulu_case(75)
    referral = refer(case)
    referral_withdraw(referral=referral, user=user("rise.oulu"), agency=agency("rise-prison"))
    response = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    assert response.status_code == 200
    assert response.context["path"] is None
    assert case_url(case) not in response.content.decode()


def test_kelas_guidance_referral_belongs_to_its_guidance_path(login):
    jari = jari_case().client
    case = kela_guidance_start(
        agency=agency("kela"), user=user("kela.pohjoinen"), client=jari, instructed_on=today()
    )
    referral = referral_create(
        client=jari,
        sender=agency("kela"),
        user=user("kela.pohjoinen"),
        recipient_agency=agency("tym-oulu"),
        recipient_person=user("tym.oulu"),
        basis=basis("381-2023-15"),
        categories=categories("identity"),
        message="Ohjaus työnhakijaksi",
    )
    for username in ("kela.pohjoinen", "tym.oulu"):
        response = login(username).get(reverse("referral-detail", args=[referral.public_id]))
        assert response.context["path"].case.public_id == case.public_id
        assert case_url(case) in response.content.decode()


def test_the_client_page_links_the_paths_the_viewer_may_open(login):
    mikko = mikko_case().client
    case = Case.objects.get(client=mikko)
    url = reverse("client-detail", args=[mikko.public_id])
    for username in ("rise.oulu", "tym.oulu", "koordinaattori.oulu", "hva.pohjois"):
        page = login(username).get(url).content.decode()
        assert case_url(case) in page, username
        assert case.reference in page
        assert login(username).get(case_url(case)).status_code == 200
    for username in ("tym.tampere", "kela.pohjoinen", "priima.butti"):
        assert login(username).get(url).status_code == 404


def test_the_next_step_costs_the_same_queries_however_long_the_path(
    login, django_assert_max_num_queries
):
    """Four more than a referral without a path: its case, the agency's open stages, the
    chosen stage's checklist and its ticks."""
    case = oulu_case(75)
    referral = accept(refer(case))
    tym = login("tym.oulu")
    url = reverse("referral-detail", args=[referral.public_id])
    tym.get(url)
    with django_assert_max_num_queries(14) as before:
        tym.get(url)
    CaseStage.objects.filter(case=case).update(responsible_agency=agency("tym-oulu"))
    with django_assert_max_num_queries(len(before)):
        response = tym.get(url)
    assert response.context["path"].next_step.stage
