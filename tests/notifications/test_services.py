import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Value

from agencies.models import EmailDelivery, User
from notifications.inbox_services import (
    email_delivery_set,
    notification_read,
    notifications_read_all,
)
from notifications.selectors import notification_list, notification_unread_count
from referrals.selectors import navigation_unread_counts

from ..factories import user
from .helpers import notify

pytestmark = pytest.mark.django_db


def test_the_navigation_counts_unread_notifications_per_user_and_zero_for_none(personas):
    for _ in range(2):
        notify(user("tym.oulu"))
    notify(user("tym.oulu"), read=True)
    notify(user("rise.oulu"))

    def unread(username: str) -> int:
        return navigation_unread_counts(user=user(username), agency=None)[1]

    assert unread("tym.oulu") == 2 == notification_unread_count(user=user("tym.oulu"))
    assert unread("rise.oulu") == 1
    assert unread("tietosuoja") == 0


def test_reading_someone_elses_notification_is_refused(personas):
    theirs = notify(user("tym.tampere"))
    with pytest.raises(PermissionDenied):
        notification_read(user=user("tym.oulu"), notification=theirs)


def test_read_all_returns_how_many(personas):
    notify(user("hva.pohjois"))
    notify(user("hva.pohjois"))
    assert notifications_read_all(user=user("hva.pohjois")) == 2
    assert notifications_read_all(user=user("hva.pohjois")) == 0
    assert notification_list(user=user("hva.pohjois")).count() == 2


def test_email_delivery_refuses_an_unknown_value(personas):
    someone = user("admin")
    with pytest.raises(ValidationError) as error:
        email_delivery_set(user=someone, value="weekly")
    assert "email_delivery" in error.value.message_dict
    email_delivery_set(user=someone, value=EmailDelivery.OFF)
    assert User.objects.filter(pk=someone.pk, email_delivery=Value("off")).exists()
