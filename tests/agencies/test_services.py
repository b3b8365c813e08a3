import pytest
from django.core.exceptions import ValidationError

from agencies.models import (
    Agency,
    AgencyKind,
    ContactChannel,
    ContactPerson,
    ContactTopic,
    EmploymentArea,
    Role,
    User,
)
from agencies.services import agency_create, contact_person_set, membership_remove, membership_set

pytestmark = pytest.mark.django_db


def test_agency_gets_its_own_group(personas):
    agency = agency_create(
        kind=AgencyKind.NGO, name_fi="Testihanke", name_sv="Testprojekt", name_en="Test project"
    )
    assert agency.group.name == f"agency:{agency.public_id}"


def test_employment_area_agency_needs_its_area_and_there_is_one_per_area(personas):
    with pytest.raises(ValidationError) as error:
        agency_create(kind=AgencyKind.EMPLOYMENT_AREA, name_fi="x", name_sv="x", name_en="x")
    assert error.value.message_dict == {
        "employment_area": ["Työllisyysalueen organisaatiolle on valittava työllisyysalue."]
    }
    with pytest.raises(ValidationError, match="Tällä työllisyysalueella on jo organisaatio"):
        agency_create(
            kind=AgencyKind.EMPLOYMENT_AREA,
            name_fi="Toinen",
            name_sv="Annan",
            name_en="Other",
            employment_area=EmploymentArea.objects.get(code="24"),
        )
    assert not Agency.objects.filter(name_fi__in=["x", "Toinen"]).exists()


def test_employment_area_agency_serves_its_areas_municipalities(personas):
    from agencies.selectors import agency_served_municipalities

    oulun_seutu = Agency.objects.get(employment_area__code="24")
    served = set(agency_served_municipalities(agency=oulun_seutu).values_list("name_fi", flat=True))
    assert {"Oulu", "Kempele", "Hailuoto"} <= served
    assert len(served) == 11
    assert "Tampere" not in served


def test_membership_follows_the_agency_group(personas):
    user = User.objects.create_user(username="uusi", password="x" * 12)
    agency = Agency.objects.get(employment_area__code="24")
    membership_set(user=user, agency=agency, role=Role.STAFF)
    assert user.groups.filter(pk=agency.group_id).exists()
    membership_set(user=user, agency=agency, role=Role.COORDINATOR)
    assert user.memberships.get().role == Role.COORDINATOR
    membership_remove(user=user, agency=agency)
    assert not user.groups.exists()
    assert not user.memberships.exists()


def test_leaving_an_agency_removes_its_contact_entries(personas):
    agency = Agency.objects.get(employment_area__code="24")
    membership_remove(user=personas["tym.oulu"], agency=agency)
    assert not ContactPerson.objects.filter(person=personas["tym.oulu"], agency=agency).exists()


@pytest.fixture
def rise_topic(personas):
    return ContactTopic.objects.get(code="rise")


def test_contact_person_must_be_a_member(personas, rise_topic):
    agency = Agency.objects.get(employment_area__code="24")
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=agency,
            topic=rise_topic,
            person=personas["tym.tampere"],
            preferred_channel=ContactChannel.PHONE,
            phone="+358 40 1",
        )
    assert "person" in error.value.message_dict


def test_substitute_must_be_a_member_and_someone_else(personas, rise_topic):
    agency = Agency.objects.get(employment_area__code="24")
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=agency,
            topic=rise_topic,
            person=personas["tym.oulu"],
            preferred_channel=ContactChannel.PHONE,
            phone="+358 40 1",
            substitute=personas["hva.pohjois"],
        )
    assert "substitute" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=agency,
            topic=rise_topic,
            person=personas["tym.oulu"],
            preferred_channel=ContactChannel.PHONE,
            phone="+358 40 1",
            substitute=personas["tym.oulu"],
        )
    assert error.value.message_dict == {"substitute": ["Varahenkilön on oltava joku muu."]}


def test_preferred_channel_needs_its_details(personas, rise_topic):
    agency = Agency.objects.get(employment_area__code="24")
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=agency,
            topic=rise_topic,
            person=personas["tym.oulu"],
            preferred_channel=ContactChannel.VIDEO,
        )
    assert error.value.message_dict == {"video_url": ["Anna ensisijaisen yhteystavan tiedot."]}
    contact = ContactPerson.objects.get(
        agency=agency, topic=rise_topic, person=personas["tym.oulu"]
    )
    assert contact.preferred_channel == ContactChannel.SECURE_EMAIL
