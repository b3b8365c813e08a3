"""The send form built without HTTP (referrals.page_selectors): what it suggests for a
release, what a refresh with chosen values keeps, and what a submission binds."""

import pytest
from django.http import QueryDict

from referrals.models import LegalBasis
from referrals.page_selectors import referral_form_build
from referrals.selectors import client_for_agency

from ..factories import agency, basis
from ..pathways.path_helpers import oulu_case

pytestmark = pytest.mark.django_db


def _query(**values: str) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(values)
    return query


def _access(case):
    return client_for_agency(agency=agency("rise-prison"), public_id=case.client.public_id)


def test_a_release_suggests_the_employment_area_and_the_basis_that_allows_it(personas):
    case = oulu_case()
    page = referral_form_build(
        access=_access(case), query=_query(release=str(case.release.public_id)), posted=None
    )
    assert page.release == case.release
    assert not page.form.is_bound
    assert page.form.initial["recipient_agency"] == agency("tym-oulu")
    # Rise to the employment area: the Act on Rise's §28.
    assert page.form.initial["basis"] == basis("1301-2021-28")
    # What the basis allows is ticked; each category's row says what covers it.
    covers = {checkbox.data["label"]: cover for checkbox, cover, _hint in page.category_rows}
    ticked = {c.code for c in page.form.initial["categories"]}
    assert ticked
    assert set(covers.values()) <= {"basis", "consent", "none"}
    assert sum(1 for cover in covers.values() if cover == "basis") == len(ticked)


def test_a_refresh_keeps_the_chosen_recipient_and_basis(personas):
    case = oulu_case()
    consent = basis(LegalBasis.CONSENT)
    query = _query(
        recipient_agency=str(agency("hva-pohjois").pk), basis=str(consent.pk), message="Hei"
    )
    page = referral_form_build(access=_access(case), query=query, posted=None)
    assert page.release is None
    assert page.form.initial["recipient_agency"] == agency("hva-pohjois")
    assert page.form.initial["basis"] == consent
    assert page.form.initial["message"] == "Hei"
    # Without the client's consent nothing is covered: nothing is ticked.
    assert list(page.form.initial["categories"]) == []
    assert {cover for _checkbox, cover, _hint in page.category_rows} == {"none"}


def test_a_submission_binds_the_form_and_odd_ids_match_nothing(personas):
    case = oulu_case()
    posted = _query(recipient_agency="12345678901234567890", basis="x", release="not-a-uuid")
    page = referral_form_build(access=_access(case), query=_query(), posted=posted)
    assert page.form.is_bound
    assert page.release is None
    assert not page.form.is_valid()
    assert "recipient_agency" in page.form.errors
