import uuid

import pytest
from django.urls import reverse

from agencies.demo import seed_demo_agencies
from agencies.models import Agency, ContactChannel, ContactTopic, Municipality, Role, User
from agencies.services import contact_person_set, membership_set

from ..factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def directory(module_world):
    """The demo region's agencies, people and named contact persons (no clients)."""
    module_world(seed_demo_agencies, password=DEMO_PASSWORD)


def names(response) -> set[str]:
    return {c.person.username for c in response.context["page"].object_list}


def test_directory_needs_login(client):
    response = client.get(reverse("directory"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_whom_to_contact_for_a_client_from_oulu(login, oulu):
    response = login("rise.oulu").get(reverse("directory"), {"municipality": oulu.pk})
    assert response.status_code == 200
    assert names(response) == {
        "tym.oulu",
        "koordinaattori.oulu",
        "hva.pohjois",
        "kela.pohjoinen",
        "rise.oulu",
    }
    route = response.context["route"]
    assert route.employment_area.name_fi == "Oulun seutu"
    content = response.content.decode()
    assert "Oulun seudun työllisyysalue" in content
    assert "rise-yhteys.oulunseutu@demo.polku.invalid" in content


def test_a_client_from_tampere_goes_to_tampere(login):
    tampere = Municipality.objects.get(code="837")
    response = login("rise.oulu").get(reverse("directory"), {"municipality": tampere.pk})
    assert names(response) == {"tym.tampere"}


def test_search_by_name_topic_kind_and_agency(login):
    client = login("tym.oulu")
    assert names(client.get(reverse("directory"), {"q": "toivo"})) == {"tym.oulu"}
    assert names(client.get(reverse("directory"), {"q": "Tiina Toivonen"})) == {"tym.oulu"}
    rise = ContactTopic.objects.get(code="rise")
    assert names(client.get(reverse("directory"), {"topic": rise.pk})) == {
        "tym.oulu",
        "tym.tampere",
    }
    assert names(client.get(reverse("directory"), {"kind": "kela"})) == {"kela.pohjoinen"}
    priima = Agency.objects.get(name_fi="Priima Butti -hanke")
    assert names(client.get(reverse("directory"), {"agency": priima.pk})) == {"priima.butti"}


def test_unknown_filter_value_is_a_field_error_not_a_crash(login):
    response = login("tym.oulu").get(reverse("directory"), {"municipality": "999999"})
    assert response.status_code == 200
    assert names(response) == set()
    assert response.context["filter"].form.errors["municipality"]


def test_htmx_request_gets_only_the_results(login, oulu):
    response = login("tym.oulu").get(
        reverse("directory"), {"municipality": oulu.pk}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "Tiina Toivonen" in content


def test_directory_query_count_does_not_grow_with_contacts(
    login, oulu, django_assert_max_num_queries
):
    client = login("tym.oulu")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("directory"), {"municipality": oulu.pk})
    agency = Agency.objects.get(employment_area__code="24")
    topic = ContactTopic.objects.get(code="employment")
    for i in range(30):
        user = User.objects.create_user(username=f"extra{i}", first_name="Extra", last_name=f"{i}")
        membership_set(user=user, agency=agency, role=Role.STAFF)
        contact_person_set(
            agency=agency,
            topic=topic,
            person=user,
            preferred_channel=ContactChannel.PHONE,
            phone="1",
        )
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(reverse("directory"), {"municipality": oulu.pk})
    assert response.context["page"].paginator.count == 35
    assert len(many) == len(few)


def test_agency_page_lists_contacts_and_municipalities(login):
    agency = Agency.objects.get(employment_area__code="24")
    response = login("hva.pohjois").get(reverse("agency-detail", args=[agency.public_id]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tiina Toivonen" in content
    assert "Hailuoto" in content
    assert (
        login("hva.pohjois").get(reverse("agency-detail", args=[uuid.uuid4()])).status_code == 404
    )
