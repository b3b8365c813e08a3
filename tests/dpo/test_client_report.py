"""A client's log report (Act 703/2023 §11): what it holds for Mikko Mäkinen of the demo,
for whom, and its PDF and CSV downloads."""

import csv
import io
import re
import uuid

import pytest
from django.urls import reverse

from agencies.models import Membership, Role
from dpo import reports
from dpo.selectors import client_log_report
from referrals.models import Client, LogPurpose, UseLogEntry
from referrals.services import use_log_write

from ..conftest import PERSONAS
from ..factories import SentReferralFactory, agency, mikko_case, user

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """Mikko as the demo has him: a §28 referral to Oulun seutu, one on consent to the
    wellbeing services county."""
    module_world(mikko_case)


SECTION_28 = {"identity", "release", "health", "service_needs"}


def mikko() -> Client:
    return mikko_case().client


def report_url(name: str = "dpo-client-report", client: Client | None = None) -> str:
    return reverse(name, args=[(client or mikko()).public_id])


@pytest.fixture
def english(login):
    def _login(username: str):
        client = login(username)
        client.cookies["polku_language"] = "en"
        return client

    return _login


@pytest.mark.parametrize("username", [p for p in PERSONAS if p != "tietosuoja"])
def test_only_the_dpo_gets_the_report(login, username):
    client = login(username)
    for name in ("dpo-client-report", "dpo-client-report-pdf", "dpo-client-report-csv"):
        assert client.get(report_url(name)).status_code == 403


def test_mikkos_report_after_the_demo_referrals(english):
    """Oulun seutu's DPO: the §28 referral Oulu prison sent, Tiina's look at Mikko's page,
    and the DPO's own look at the report; not the consent referral to the wellbeing
    county, which Oulun seutu neither sent nor received."""
    english("tym.oulu").get(reverse("client-detail", args=[mikko().public_id]))
    page = english("tietosuoja").get(report_url())
    assert page.status_code == 200
    report = page.context["report"]
    assert report.client_name == "Mikko Mäkinen"

    [disclosure] = report.disclosures
    assert disclosure.agency == "Oulu Prison"
    assert disclosure.person == "Riikka Rajala (rise.oulu)"
    assert disclosure.recipient == "Oulu region employment area"
    assert disclosure.categories == [
        "Identity",
        "Release date and type",
        "Health and functional capacity",
        "Service needs",
    ]
    assert disclosure.basis == "Act 1301/2021 §28 (employment authority)"
    assert disclosure.purpose == "Handling a referral"

    tiina, dpo = report.uses
    assert tiina.person == "Tiina Toivonen (tym.oulu)"
    assert tiina.agency == "Oulu region employment area"
    assert len(tiina.categories) == len(SECTION_28)
    assert tiina.purpose == "Keeping the client record"
    assert tiina.page == reverse("client-detail", args=[mikko().public_id])
    assert dpo.person == "Tuula Suojanen (tietosuoja)"
    assert dpo.purpose == "Data protection supervision"
    assert dpo.categories == ["Identity"]

    html = page.content.decode()
    assert "Riikka Rajala" in html
    assert "North Ostrobothnia" not in html  # the wellbeing county's rows are not here


def test_viewing_the_report_is_logged_as_supervision(login):
    before = UseLogEntry.objects.count()
    for name in ("dpo-client-report", "dpo-client-report-pdf", "dpo-client-report-csv"):
        assert login("tietosuoja").get(report_url(name)).status_code == 200
    written = UseLogEntry.objects.order_by("pk")[before:]
    assert [(e.username, e.client, e.purpose) for e in written] == [
        ("tietosuoja", mikko(), LogPurpose.SUPERVISION)
    ] * 3
    assert written[1].path == report_url("dpo-client-report-pdf")


def test_another_agencys_dpo_sees_its_own_rows_of_mikko(english):
    """The wellbeing county's DPO sees the consent referral it received, and not §28."""
    Membership.objects.create(
        user=user("tietosuoja"), agency=agency("hva-pohjois"), role=Role.DATA_PROTECTION_OFFICER
    )
    Membership.objects.filter(user=user("tietosuoja"), agency=agency("tym-oulu")).delete()
    report = english("tietosuoja").get(report_url()).context["report"]
    [disclosure] = report.disclosures
    assert disclosure.recipient == "North Ostrobothnia wellbeing services county"
    assert disclosure.categories == ["Identity", "Service needs"]
    assert "consent given on" in disclosure.basis


def test_a_client_outside_the_agencys_logs_is_not_found(login):
    dpo = login("tietosuoja")
    salo = SentReferralFactory(  # Tampere's client
        recipient_agency=agency("tym-tampere"), recipient_person=user("tym.tampere")
    ).client
    for name in ("dpo-client-report", "dpo-client-report-pdf", "dpo-client-report-csv"):
        assert dpo.get(report_url(name, salo)).status_code == 404
        assert dpo.get(reverse(name, args=[uuid.uuid4()])).status_code == 404
    assert not UseLogEntry.objects.filter(username="tietosuoja", client=salo).exists()


def test_the_pdf_download(login):
    response = login("tietosuoja").get(report_url("dpo-client-report-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    content = response.content
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    if reports.unicode_font_files() is not None:
        assert b"DejaVu" in content  # embedded, so ä, ö and å print as they are


def test_the_pdf_falls_back_to_a_core_font_without_dejavu(login, monkeypatch):
    reports.unicode_font_files.cache_clear()
    monkeypatch.setattr(reports, "FONT_DIRS", ())
    try:
        content = login("tietosuoja").get(report_url("dpo-client-report-pdf")).content
    finally:
        reports.unicode_font_files.cache_clear()
    assert content.startswith(b"%PDF-")
    assert b"Helvetica" in content
    assert reports.latin1("Mäkinen Åström Áŋŋá") == "Mäkinen Åström Á??á"
    assert reports.latin1("Šaraš") == "Šaraš"


def test_the_csv_download_parses(english):
    english("tym.oulu").get(reverse("client-detail", args=[mikko().public_id]))
    response = english("tietosuoja").get(report_url("dpo-client-report-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == [
        "Time",
        "Log",
        "Agency",
        "User",
        "Recipient",
        "Data",
        "Purpose",
        "Legal basis",
        "Page",
    ]
    assert [line[1] for line in lines] == ["Disclosure", "Use", "Use"]
    disclosure = dict(zip(header, lines[0], strict=True))
    assert disclosure["Agency"] == "Oulu Prison"
    assert disclosure["Recipient"] == "Oulu region employment area"
    assert disclosure["Data"].startswith("Identity, Release date and type")
    assert lines[1][3] == "Tiina Toivonen (tym.oulu)"
    assert lines[2][6] == "Data protection supervision"


def test_csv_cells_that_look_like_formulas_stay_text(login, personas):
    mikko_ = mikko()
    Client.objects.filter(pk=mikko_.pk).update(first_name="=HYPERLINK(1)")
    mikko_.refresh_from_db()
    personas["tym.oulu"].first_name = "+Tiina"
    personas["tym.oulu"].save()
    login("tym.oulu").get(reverse("client-detail", args=[mikko_.public_id]))
    report = client_log_report(agency=agency("tym-oulu"), client=mikko_)
    text = reports.report_csv(report).decode("utf-8-sig")
    assert "'+Tiina Toivonen (tym.oulu)" in text


def test_a_long_report_runs_over_several_pages(login):
    mikko_ = mikko()
    use_log_write(
        user=user("tym.oulu"),
        agency=agency("tym-oulu"),
        clients=[(mikko_, ["identity", "release"])] * 120,
        purpose=LogPurpose.CASE_WORK,
        path=f"/cases/{uuid.uuid4()}/",
    )
    content = login("tietosuoja").get(report_url("dpo-client-report-pdf")).content
    pages = re.search(rb"/Count (\d+)", content)
    assert pages is not None
    assert int(pages.group(1)) > 2
