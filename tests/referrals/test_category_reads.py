"""Data categories are read from a cached copy, and a referral's with the referral."""

from django.test import Client as HttpClient
from django.urls import reverse

from agencies.models import User
from referrals.models import DataCategory

from ..factories import AcceptedReferralFactory, ClientFactory, SentReferralFactory


def test_a_category_renamed_in_the_admin_is_shown_at_once(login, personas):
    client = ClientFactory()
    rise = login("rise.oulu")
    url = reverse("client-detail", args=[client.public_id])
    assert "Henkilötiedot" in rise.get(url).content.decode()  # the copy is now cached

    admin = HttpClient()
    admin.force_login(User.objects.create_superuser("paakayttaja", "p@example.fi", "x" * 16))
    identity = DataCategory.objects.get(code="identity")
    response = admin.post(
        reverse("admin:referrals_datacategory_change", args=[identity.pk]),
        {
            "code": "identity",
            "name_fi": "Henkilön tunnistetiedot",
            "name_sv": identity.name_sv,
            "name_en": identity.name_en,
            "ordering": identity.ordering,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    page = rise.get(url).content.decode()
    assert "Henkilön tunnistetiedot" in page
    assert "Henkilötiedot" not in page


def test_the_referral_page_names_the_disclosed_categories(login, django_assert_max_num_queries):
    referral = AcceptedReferralFactory()
    tym = login("tym.oulu")
    url = reverse("referral-detail", args=[referral.public_id])
    tym.get(url)
    # Session, user, memberships, the referral with its categories' ids, the client's
    # categories with the grants, releases, the use log, navigation counts, events and
    # change history.
    with django_assert_max_num_queries(10):
        response = tym.get(url)
    shown = [category.code for category in response.context["categories"]]
    assert shown == ["identity", "release", "service_needs"]


def test_opening_a_sent_referral_shows_its_categories_too(login):
    referral = SentReferralFactory()
    response = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    assert [c.code for c in response.context["categories"]] == [
        "identity",
        "release",
        "service_needs",
    ]
    referral.refresh_from_db()
    assert referral.status == "opened"
