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

from ..errors import codes
from ..factories import agency, rise_contact, topic

pytestmark = pytest.mark.django_db


def test_agency_gets_its_own_group():
    agency = agency_create(
        kind=AgencyKind.NGO, name_fi="Testihanke", name_sv="Testprojekt", name_en="Test project"
    )
    assert agency.group.name == f"agency:{agency.public_id}"


def test_employment_area_agency_needs_its_area_and_there_is_one_per_area():
    with pytest.raises(ValidationError) as error:
        agency_create(kind=AgencyKind.EMPLOYMENT_AREA, name_fi="x", name_sv="x", name_en="x")
    assert codes(error.value) == {"employment_area": ["required"]}
    agency("tym-oulu")
    one_per_area = next(
        c for c in Agency._meta.constraints if c.name == "agency_one_authority_per_employment_area"
    )
    with pytest.raises(ValidationError) as error:
        agency_create(
            kind=AgencyKind.EMPLOYMENT_AREA,
            name_fi="Toinen",
            name_sv="Annan",
            name_en="Other",
            employment_area=EmploymentArea.objects.get(code="24"),
        )
    # The constraint's own message (it has no code), in whatever language is active.
    assert error.value.messages == [str(one_per_area.violation_error_message)]
    assert not Agency.objects.filter(name_fi__in=["x", "Toinen"]).exists()


def test_employment_area_agency_serves_its_areas_municipalities():
    from agencies.selectors import agency_served_municipalities

    oulun_seutu = agency("tym-oulu")
    served = set(agency_served_municipalities(agency=oulun_seutu).values_list("name_fi", flat=True))
    assert {"Oulu", "Kempele", "Hailuoto"} <= served
    assert len(served) == 11
    assert "Tampere" not in served


def test_membership_follows_the_agency_group():
    user = User.objects.create_user(username="uusi", password="x" * 12)
    oulun_seutu = agency("tym-oulu")
    membership_set(user=user, agency=oulun_seutu, role=Role.STAFF)
    assert user.groups.filter(pk=oulun_seutu.group_id).exists()
    membership_set(user=user, agency=oulun_seutu, role=Role.COORDINATOR)
    assert user.memberships.get().role == Role.COORDINATOR
    membership_remove(user=user, agency=oulun_seutu)
    assert not user.groups.exists()
    assert not user.memberships.exists()


def test_leaving_an_agency_removes_its_contact_entries(personas):
    contact = rise_contact("tym-oulu", "tym.oulu")
    membership_remove(user=personas["tym.oulu"], agency=contact.agency)
    assert not ContactPerson.objects.filter(
        person=personas["tym.oulu"], agency=contact.agency
    ).exists()


@pytest.fixture
def rise_topic(db) -> ContactTopic:
    return topic("rise")


def test_contact_person_must_be_a_member(personas, rise_topic):
    oulun_seutu = agency("tym-oulu")
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=oulun_seutu,
            topic=rise_topic,
            person=personas["tym.tampere"],
            preferred_channel=ContactChannel.PHONE,
            phone="+358 40 1",
        )
    assert "person" in error.value.message_dict


def test_substitute_must_be_a_member_and_someone_else(personas, rise_topic):
    oulun_seutu = agency("tym-oulu")
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=oulun_seutu,
            topic=rise_topic,
            person=personas["tym.oulu"],
            preferred_channel=ContactChannel.PHONE,
            phone="+358 40 1",
            substitute=personas["hva.pohjois"],
        )
    assert "substitute" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=oulun_seutu,
            topic=rise_topic,
            person=personas["tym.oulu"],
            preferred_channel=ContactChannel.PHONE,
            phone="+358 40 1",
            substitute=personas["tym.oulu"],
        )
    assert codes(error.value) == {"substitute": ["same_person"]}


def test_preferred_channel_needs_its_details(personas, rise_topic):
    oulun_seutu = rise_contact("tym-oulu", "tym.oulu").agency
    with pytest.raises(ValidationError) as error:
        contact_person_set(
            agency=oulun_seutu,
            topic=rise_topic,
            person=personas["tym.oulu"],
            preferred_channel=ContactChannel.VIDEO,
        )
    assert codes(error.value) == {"video_url": ["channel_details"]}
    contact = ContactPerson.objects.get(
        agency=oulun_seutu, topic=rise_topic, person=personas["tym.oulu"]
    )
    assert contact.preferred_channel == ContactChannel.SECURE_EMAIL
