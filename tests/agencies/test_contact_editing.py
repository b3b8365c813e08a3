import pytest
from django.urls import reverse

from agencies.models import Agency, ContactPerson, ContactTopic

from ..errors import codes
from ..factories import rise_contact, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def oulun_seutu(personas) -> Agency:
    """Oulun seutu with Tiina Toivonen as its named Rise contact person."""
    return rise_contact("tym-oulu", "tym.oulu").agency


def form_data(personas, **changes):
    return {
        "topic": topic("youth").pk,
        "person": personas["tym.oulu"].pk,
        "substitute": personas["koordinaattori.oulu"].pk,
        "preferred_channel": "phone",
        "phone": "+358 40 555 0101",
        "secure_email": "",
        "video_url": "",
        "notes": "",
        **changes,
    }


def test_coordinator_adds_a_contact_person(login, personas, oulun_seutu):
    client = login("koordinaattori.oulu")
    page = client.get(reverse("agency-detail", args=[oulun_seutu.public_id]))
    assert reverse("contact-person-new") in page.content.decode()
    response = client.post(reverse("contact-person-new"), form_data(personas))
    assert response.status_code == 302
    contact = ContactPerson.objects.get(agency=oulun_seutu, topic__code="youth")
    assert (contact.person, contact.phone) == (personas["tym.oulu"], "+358 40 555 0101")


def test_coordinator_edits_and_removes_an_entry(login, personas, oulun_seutu):
    client = login("koordinaattori.oulu")
    contact = ContactPerson.objects.get(agency=oulun_seutu, topic__code="rise")
    url = reverse("contact-person-edit", args=[contact.public_id])
    assert client.get(url).context["form"].initial["person"] == personas["tym.oulu"]
    data = form_data(
        personas,
        topic=contact.topic.pk,
        preferred_channel="secure_email",
        secure_email="uusi@demo.polku.invalid",
    )
    assert client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.secure_email == "uusi@demo.polku.invalid"
    assert (
        client.post(reverse("contact-person-remove", args=[contact.public_id])).status_code == 302
    )
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()


def test_errors_land_on_their_fields_and_nothing_is_saved(login, personas, oulun_seutu):
    client = login("koordinaattori.oulu")
    before = ContactPerson.objects.count()
    response = client.post(
        reverse("contact-person-new"),
        form_data(personas, preferred_channel="video", substitute=personas["tym.oulu"].pk),
    )
    assert response.status_code == 200
    errors = codes(response.context["form"].errors)
    assert errors["video_url"] == ["channel_details"]
    assert errors["substitute"] == ["same_person"]
    # Someone from another agency cannot be chosen at all.
    response = client.post(
        reverse("contact-person-new"), form_data(personas, person=personas["tym.tampere"].pk)
    )
    assert "person" in response.context["form"].errors
    # The same person cannot be named twice for one topic.
    rise = ContactTopic.objects.get(code="rise")
    response = client.post(reverse("contact-person-new"), form_data(personas, topic=rise.pk))
    assert response.context["form"].non_field_errors()
    assert ContactPerson.objects.count() == before


@pytest.mark.parametrize("username", ["tym.oulu", "hva.pohjois", "tietosuoja"])
def test_only_coordinators_keep_the_directory(login, username, oulun_seutu):
    client = login(username)
    contact = ContactPerson.objects.get(agency=oulun_seutu, topic__code="rise")
    assert client.get(reverse("contact-person-new")).status_code == 403
    assert client.get(reverse("contact-person-edit", args=[contact.public_id])).status_code == 403
    assert (
        client.post(reverse("contact-person-remove", args=[contact.public_id])).status_code == 403
    )
    assert ContactPerson.objects.filter(pk=contact.pk).exists()


def test_another_agencys_entry_is_not_found(login, personas):
    tampere = rise_contact("tym-tampere", "tym.tampere")
    client = login("koordinaattori.oulu")
    assert client.get(reverse("contact-person-edit", args=[tampere.public_id])).status_code == 404
    assert (
        client.post(reverse("contact-person-remove", args=[tampere.public_id])).status_code == 404
    )
