import pytest
from django.urls import reverse

from agencies.models import EmailDelivery
from notifications.models import Notification

from ..errors import codes
from ..factories import user
from .helpers import notify

pytestmark = pytest.mark.django_db


def open_url(notification: Notification) -> str:
    return reverse("notification-open", args=[notification.public_id])


def test_the_list_shows_only_the_users_own_notifications(login):
    mine = [notify(user("tym.oulu")), notify(user("tym.oulu"), read=True)]
    notify(user("tym.tampere"))
    response = login("tym.oulu").get(reverse("notification-list"))
    assert response.status_code == 200
    shown = [row.notification for row in response.context["rows"]]
    assert shown == sorted(mine, key=lambda n: (n.created_at, n.pk), reverse=True)
    page = response.content.decode()
    for notification in mine:
        assert f'action="{open_url(notification)}"' in page


def test_unread_ones_are_marked_in_words_not_only_by_colour(login):
    unread = notify(user("tym.oulu"))
    notify(user("tym.oulu"), read=True)
    client = login("tym.oulu")
    client.cookies["polku_language"] = "en"
    page = client.get(reverse("notification-list")).content.decode()
    assert page.count('<span class="badge">new</span>') == 1
    form_start = page.index(f'action="{open_url(unread)}"')
    assert '<span class="badge">new</span>' in page[form_start : form_start + 400]
    assert "You have 1 unread notification." in page


def test_opening_marks_read_and_follows_the_link(login):
    notification = notify(user("tym.oulu"), url="/directory/?q=oulu")
    client = login("tym.oulu")
    response = client.post(open_url(notification))
    assert response.status_code == 302
    assert response["Location"] == "/directory/?q=oulu"
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    client.post(open_url(notification))
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_opening_never_leaves_polku(login):
    notification = notify(user("tym.oulu"), url="https://example.com/phish")
    response = login("tym.oulu").post(open_url(notification))
    assert response["Location"] == reverse("notification-list")


def test_opening_needs_a_post(login):
    notification = notify(user("tym.oulu"))
    assert login("tym.oulu").get(open_url(notification)).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_another_users_notification_is_not_found(login):
    theirs = notify(user("tym.tampere"))
    assert login("tym.oulu").post(open_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_the_users_own(login):
    mine = [notify(user("tym.oulu")) for _ in range(3)]
    theirs = notify(user("tym.tampere"))
    response = login("tym.oulu").post(reverse("notifications-read-all"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notification-list")
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_is_post_only(login):
    notify(user("tym.oulu"))
    assert login("tym.oulu").get(reverse("notifications-read-all")).status_code == 405
    assert Notification.objects.filter(recipient=user("tym.oulu"), read_at=None).exists()


@pytest.mark.parametrize("choice", EmailDelivery.values)
def test_settings_save_each_choice(login, choice):
    client = login("kela.pohjoinen")
    response = client.post(reverse("notification-settings"), {"email_delivery": choice})
    assert response.status_code == 302
    assert user("kela.pohjoinen").email_delivery == choice
    page = client.get(reverse("notification-settings"))
    assert page.context["form"].initial["email_delivery"] == choice
    assert f'value="{choice}"' in page.content.decode()


@pytest.mark.parametrize(
    ("data", "code"), [({"email_delivery": "hourly"}, "invalid_choice"), ({}, "required")]
)
def test_settings_refuse_an_invalid_choice_on_the_field(login, data, code):
    before = user("kela.pohjoinen").email_delivery
    client = login("kela.pohjoinen")
    client.cookies["polku_language"] = "en"
    response = client.post(reverse("notification-settings"), data)
    assert response.status_code == 200
    assert codes(response.context["form"].errors) == {"email_delivery": [code]}
    page = response.content.decode()
    assert 'id="id_email_delivery_error"' in page
    assert "<legend>" in page
    assert user("kela.pohjoinen").email_delivery == before


def test_settings_offer_the_three_choices_as_radio_buttons(login):
    client = login("tietosuoja")
    client.cookies["polku_language"] = "en"
    page = client.get(reverse("notification-settings")).content.decode()
    assert page.count('type="radio" name="email_delivery"') == len(EmailDelivery.values)
    assert "<legend>Send my notifications by e-mail</legend>" in page
