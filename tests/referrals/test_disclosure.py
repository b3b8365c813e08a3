"""The default disclosure matrix of docs/design.md §3, and consent on top of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agencies.models import AgencyKind
from referrals.models import AccessGrant, DataCategory, DisclosureRule
from referrals.services import consent_record, referral_check_disclosure

from ..factories import ClientFactory, agency, basis, categories, user

pytestmark = pytest.mark.django_db
RISE = AgencyKind.RISE_PRISON


def allowed(basis_code: str, recipient_kind: str, discloser_kind: str = RISE) -> set[str]:
    return set(
        DisclosureRule.objects.filter(
            basis__code=basis_code, discloser_kind=discloser_kind, recipient_kind=recipient_kind
        ).values_list("category__code", flat=True)
    )


def test_default_matrix(personas):
    assert allowed("1301-2021-27", AgencyKind.KELA) == {"identity", "release", "sentence"}
    assert allowed("1301-2021-28", AgencyKind.EMPLOYMENT_AREA) == {
        "identity",
        "release",
        "health",
        "service_needs",
        "employment_plan",
    }
    # No section lets Rise disclose to wellbeing services counties or NGOs: consent only.
    for kind in (AgencyKind.WELLBEING_AREA, AgencyKind.NGO, AgencyKind.MUNICIPALITY):
        assert not DisclosureRule.objects.filter(discloser_kind=RISE, recipient_kind=kind).exists()
    # 381/2023 §15 among the three multi-agency parties, never from Rise.
    assert allowed("381-2023-15", AgencyKind.KELA, AgencyKind.EMPLOYMENT_AREA) == {
        "identity",
        "contact",
        "health",
        "service_needs",
        "employment_plan",
    }
    assert not allowed("381-2023-15", AgencyKind.EMPLOYMENT_AREA)
    limited = DisclosureRule.objects.get(
        basis__code="1301-2021-27",
        discloser_kind=RISE,
        recipient_kind=AgencyKind.KELA,
        category__code="sentence",
    )
    assert "27 § 3" in limited.limitation_fi


def check(recipient: str, basis_code: str, *codes: str, client=None):
    return referral_check_disclosure(
        client=client or ClientFactory(),
        sender=agency("rise-prison"),
        recipient=agency(recipient),
        basis=basis(basis_code),
        categories=categories(*codes),
    )


def test_section_28_covers_the_employment_area(personas):
    assert check("tym-oulu", "1301-2021-28", "identity", "release", "health") == {}


def test_a_recipient_the_basis_does_not_allow_is_an_error_on_the_recipient(personas):
    with pytest.raises(ValidationError) as error:
        check("kela", "1301-2021-28", "identity")
    assert list(error.value.message_dict) == ["recipient_agency"]
    with pytest.raises(ValidationError) as error:
        check("priima", "1301-2021-28", "identity")
    assert list(error.value.message_dict) == ["recipient_agency"]


def test_categories_beyond_the_basis_need_consent(personas):
    client = ClientFactory()
    with pytest.raises(ValidationError) as error:
        check("tym-oulu", "1301-2021-28", "identity", "contact", "sentence", client=client)
    [uncovered] = error.value.error_dict["categories"]
    assert uncovered.code == "not_covered"
    for code in ("contact", "sentence"):  # named in the language of the reader
        assert str(DataCategory.objects.get(code=code)) in uncovered.message
    consent = consent_record(
        client=client,
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency("tym-oulu"),
        recipient_kind="",
        categories=categories("contact", "sentence"),
        given_on=datetime.date.today(),
        method="written",
        valid_until=None,
    )
    covered = check("tym-oulu", "1301-2021-28", "identity", "contact", "sentence", client=client)
    assert covered == {"contact": consent, "sentence": consent}


def test_consent_basis_needs_a_consent_for_that_recipient(personas):
    client = ClientFactory()
    with pytest.raises(ValidationError) as error:
        check("hva-pohjois", "consent", "identity", client=client)
    assert list(error.value.message_dict) == ["basis"]
    consent_record(
        client=client,
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=None,
        recipient_kind=AgencyKind.WELLBEING_AREA,
        categories=categories("identity", "service_needs"),
        given_on=datetime.date.today(),
        method="oral",
        valid_until=None,
    )
    assert set(check("hva-pohjois", "consent", "identity", "service_needs", client=client)) == {
        "identity",
        "service_needs",
    }
    with pytest.raises(ValidationError) as error:
        check("hva-pohjois", "consent", "identity", "health", client=client)
    assert list(error.value.message_dict) == ["categories"]
    # A consent to wellbeing services counties does not reach an NGO.
    with pytest.raises(ValidationError):
        check("priima", "consent", "identity", client=client)
    assert not AccessGrant.objects.filter(client=client).exists()


def test_sending_to_ones_own_agency_is_refused(personas):
    with pytest.raises(ValidationError) as error:
        check("rise-prison", "1301-2021-28", "identity")
    assert list(error.value.message_dict) == ["recipient_agency"]
