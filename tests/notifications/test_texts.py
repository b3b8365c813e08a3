import datetime

import pytest
from django.utils import translation

from notifications.kinds import notification_kind_choices
from notifications.models import Notification
from notifications.texts import notification_subject, notification_text
from pathways.cases.notification_kinds import CaseNotificationKind
from referrals.notification_kinds import ReferralNotificationKind

LANGUAGES = ("fi", "sv", "en")
CLIENT = "Mikko Mäkinen"
FULL = {
    "date": "2026-03-05",
    "stage": {"fi": "Työnhaku", "sv": "Jobbsökning", "en": "Job search"},
    "agency": {"fi": "Oulun seutu", "sv": "Uleåborgsregionen", "en": "Oulu region"},
    "days": 5,
    # Never shown, whatever a caller puts in: e-mail is not a safe channel for them.
    "client": CLIENT,
    "name": CLIENT,
    "first_name": "Mikko",
    "last_name": "Mäkinen",
}
MESSAGE = {"fi": "Varaa aika", "sv": "Boka en tid", "en": "Book a meeting"}


def make(kind: str, params: object) -> Notification:
    return Notification(kind=kind, params=params, url="/", due_on=datetime.date(2026, 3, 5))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", [value for value, _label in notification_kind_choices()])
@pytest.mark.parametrize(
    "params", [FULL, {**FULL, "message": MESSAGE}, {}, {"date": "bad"}, None, {"stage": {}}]
)
def test_every_kind_has_a_text_in_every_language(kind, language, params):
    with translation.override(language):
        text = notification_text(make(kind, params))
        subject = notification_subject(make(kind, params))
    assert text.strip()
    assert "%(" not in text
    assert subject.startswith("Polku: ")
    for private in ("Mikko", "Mäkinen"):
        assert private not in text
        assert private not in subject


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            CaseNotificationKind.RELEASE_IN_3_MONTHS,
            "A client's release is in three months (5.3.2026).",
        ),
        (CaseNotificationKind.RELEASE_IN_1_WEEK, "A client's release is in one week (5.3.2026)."),
        (CaseNotificationKind.STAGE_OPENS, "The stage “Job search” opens on 5.3.2026."),
        (
            CaseNotificationKind.STAGE_OVERDUE,
            "The stage “Job search” is overdue: its window closed on 5.3.2026.",
        ),
        (
            ReferralNotificationKind.REFERRAL_NOT_OPENED,
            "A referral sent on 5.3.2026 has not been opened in three business days.",
        ),
        (
            ReferralNotificationKind.REFERRAL_ESCALATED,
            "A referral sent on 5.3.2026 to Oulu region has not been accepted in five "
            "business days.",
        ),
    ],
)
def test_texts_in_english(kind, expected):
    with translation.override("en"):
        assert notification_text(make(kind, FULL)) == expected


def test_a_reminders_own_message_leads_in_the_active_language():
    with translation.override("en"):
        reminder = make(CaseNotificationKind.STAGE_REMINDER, {**FULL, "message": MESSAGE})
        assert notification_text(reminder) == "Book a meeting (Job search, 5.3.2026)"
        only_message = make(CaseNotificationKind.STAGE_REMINDER, {"message": MESSAGE})
        assert notification_text(only_message) == "Book a meeting"
    with translation.override("sv"):
        assert notification_text(reminder).startswith("Boka en tid (Jobbsökning, 5.3.2026")


def test_a_name_missing_in_the_language_falls_back_to_finnish():
    with translation.override("sv"):
        text = notification_text(
            make(CaseNotificationKind.STAGE_OPENS, {"stage": {"fi": "Työnhaku"}})
        )
    assert "Työnhaku" in text


def test_missing_parameters_shorten_the_text():
    with translation.override("en"):
        assert (
            notification_text(make(CaseNotificationKind.STAGE_OPENS, {"stage": FULL["stage"]}))
            == "The stage “Job search” opens soon."
        )
        assert notification_text(make(CaseNotificationKind.RELEASE_IN_2_MONTHS, {})) == (
            "Release in two months"
        )
        assert notification_text(make(ReferralNotificationKind.REFERRAL_ESCALATED, {})) == (
            "A referral has not been accepted in five business days."
        )


def test_subject_is_the_kind():
    with translation.override("en"):
        assert (
            notification_subject(make(CaseNotificationKind.STAGE_OVERDUE, FULL))
            == "Polku: A stage is overdue"
        )
