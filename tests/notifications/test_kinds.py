"""The apps above notifications register their kinds; notifications names none of them."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy

from meetings.notification_kinds import MeetingNotificationKind
from notifications.kinds import (
    needs,
    notification_kind,
    notification_kind_choices,
    notification_kinds_register,
)
from notifications.models import Notification, ReminderClaim
from pathways.cases.notification_kinds import CaseNotificationKind
from plans.notification_kinds import PlanNotificationKind
from referrals.notification_kinds import ReferralNotificationKind

SENDERS = (
    CaseNotificationKind,
    ReferralNotificationKind,
    PlanNotificationKind,
    MeetingNotificationKind,
)


def test_every_sending_app_registers_its_kinds_with_their_texts():
    registered = {value for value, _label in notification_kind_choices()}
    assert registered == {value for kinds in SENDERS for value in kinds.values}
    for kinds in SENDERS:
        for member in kinds:
            kind = notification_kind(member.value)
            assert kind is not None
            assert kind.label == member.label
            assert kind.texts, member


@pytest.mark.parametrize("model", [Notification, ReminderClaim])
def test_the_kind_columns_offer_the_registered_kinds(model):
    field = model._meta.get_field("kind")
    assert list(field.choices) == notification_kind_choices()
    assert not field.check()


def test_a_kind_of_another_app_cannot_be_taken():
    class Taken(models.TextChoices):
        NEW = "taken_new", "New"
        PLAN_DUE = PlanNotificationKind.PLAN_DUE.value, "Another plan"

    with pytest.raises(ImproperlyConfigured, match="plan_due"):
        notification_kinds_register(kinds=Taken, texts={})
    # Nothing of a refused registration is kept.
    assert notification_kind("taken_new") is None
    assert notification_kind(PlanNotificationKind.PLAN_DUE).owner is PlanNotificationKind


def test_texts_for_a_kind_not_registered_are_refused():
    class Single(models.TextChoices):
        ONLY = "single_only", "Only"

    with pytest.raises(ImproperlyConfigured, match="unknown"):
        notification_kinds_register(
            kinds=Single, texts={"single_other": ((needs(), gettext_lazy("Other")),)}
        )
    assert notification_kind("single_only") is None
