"""Accessibility feedback: saved with its e-mails to the administrator in one transaction,
sent by anyone without logging in, rate-limited per address, read-only in the admin."""

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accessibility.models import AccessibilityFeedback
from accessibility.selectors import feedback_recipients
from accessibility.services import accessibility_feedback_create
from agencies.models import User
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

STATEMENT = reverse("accessibility-statement")


def give(**overrides: str) -> AccessibilityFeedback:
    fields = {
        "name": "Maija Meikäläinen",
        "email": "maija@example.fi",
        "page": "/inbox/",
        "message": "The sort options are read out in English.",
        "language": "fi",
    }
    return accessibility_feedback_create(**{**fields, **overrides})


def mails_of(feedback: AccessibilityFeedback) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(
            key__startswith=f"accessibility-feedback:{feedback.pk}:"
        ).order_by("key")
    )


def test_feedback_is_saved_and_e_mailed_to_the_configured_addresses(settings):
    settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = ["a11y@polku.example", "it@polku.example"]
    feedback = give()

    assert AccessibilityFeedback.objects.get() == feedback
    assert (feedback.name, feedback.email, feedback.page, feedback.language) == (
        "Maija Meikäläinen",
        "maija@example.fi",
        "/inbox/",
        "fi",
    )
    mails = mails_of(feedback)
    assert [m.to for m in mails] == ["a11y@polku.example", "it@polku.example"]
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Polku: accessibility feedback")
    for mail in mails:
        # In Polku's language, answered straight to the sender, linking to the admin.
        assert mail.subject == subject
        assert mail.reply_to == "maija@example.fi"
        assert "The sort options are read out in English." in mail.body
        assert "/inbox/" in mail.body
        change = reverse("admin:accessibility_accessibilityfeedback_change", args=[feedback.pk])
        assert f"{settings.POLKU_BASE_URL}{change}" in mail.body


def test_without_the_setting_the_admins_hear_of_it_and_without_them_the_superusers(settings):
    settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = []
    settings.ADMINS = [("Ylläpito", "yllapito@polku.example")]
    assert feedback_recipients() == ["yllapito@polku.example"]

    settings.ADMINS = []
    User.objects.create_user(
        username=f"root-{uuid.uuid4().hex[:6]}", email="root@polku.example", is_superuser=True
    )
    User.objects.create_user(
        username=f"gone-{uuid.uuid4().hex[:6]}",
        email="gone@polku.example",
        is_superuser=True,
        is_active=False,
    )
    expected = list(
        User.objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    assert "root@polku.example" in expected
    assert feedback_recipients() == expected
    assert [m.to for m in mails_of(give(email=""))] == expected


def test_anonymous_feedback_without_recipients_is_still_saved(settings):
    settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = []
    settings.ADMINS = []
    User.objects.filter(is_superuser=True).update(is_superuser=False)

    feedback = give(name="", email="", page="")

    assert AccessibilityFeedback.objects.filter(pk=feedback.pk).exists()
    assert mails_of(feedback) == []


def test_the_feedback_and_its_e_mails_are_one_transaction(settings, monkeypatch):
    settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = ["a11y@polku.example"]

    def outbox_down(**kwargs: object) -> list[int]:
        raise RuntimeError("the outbox failed")

    monkeypatch.setattr("accessibility.services.outbox_add", outbox_down)
    with pytest.raises(RuntimeError):
        give()
    assert not AccessibilityFeedback.objects.exists()


def test_anyone_may_send_feedback_without_logging_in(client, settings):
    settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = ["a11y@polku.example"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(STATEMENT, {"from": "/cases/"})
    assert page.status_code == 200
    assert 'value="/cases/"' in page.content.decode()

    response = client.post(
        STATEMENT, {"message": "The timeline cannot be read aloud.", "page": "/cases/"}
    )

    assert response.status_code == 302
    assert response["Location"] == STATEMENT
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.message, feedback.page, feedback.name, feedback.email) == (
        "The timeline cannot be read aloud.",
        "/cases/",
        "",
        "",
    )
    assert feedback.language == "en"
    assert [m.to for m in mails_of(feedback)] == ["a11y@polku.example"]
    assert "Thank you. Your feedback was sent" in client.get(STATEMENT).content.decode()


def test_a_page_that_is_not_a_local_path_is_not_filled_in(client):
    html = client.get(STATEMENT, {"from": "https://elsewhere.example/"}).content.decode()
    field = re.search(r'<input type="text" name="page"[^>]*>', html)
    assert field
    assert "value=" not in field.group(0)


@pytest.mark.parametrize(
    ("language", "required", "invalid_email"),
    [
        ("en", "Write your feedback.", "Enter a valid email address."),
        ("fi", "Kirjoita palautteesi.", "Syötä kelvollinen sähköpostiosoite."),
        ("sv", "Skriv din respons.", "Fyll i en giltig e-postadress."),
    ],
)
def test_errors_are_translated_and_on_their_field(client, language, required, invalid_email):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(STATEMENT, {"message": "  ", "email": "not an address"})

    assert response.status_code == 200
    assert not AccessibilityFeedback.objects.exists()
    html = response.content.decode()
    assert f'<p class="field-error" id="id_message_error">{required}</p>' in html
    assert f'<p class="field-error" id="id_email_error">{invalid_email}</p>' in html
    assert 'aria-invalid="true"' in html


def test_feedback_is_rate_limited_per_address(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    settings.POLKU_RATE_LIMITS = {**settings.POLKU_RATE_LIMITS, "accessibility-feedback": (2, 3600)}
    here = Client(REMOTE_ADDR="192.0.2.7")
    statuses = [here.post(STATEMENT, {"message": f"Note {n}"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert AccessibilityFeedback.objects.count() == 2
    # Reading the statement is not limited, nor is another address.
    assert here.get(STATEMENT).status_code == 200
    assert Client(REMOTE_ADDR="192.0.2.8").post(STATEMENT, {"message": "x"}).status_code == 302


def test_the_admin_shows_feedback_read_only(client, settings):
    settings.POLKU_ACCESSIBILITY_FEEDBACK_EMAIL = []
    feedback = give()
    admin = User.objects.create_superuser(
        username=f"admin-{uuid.uuid4().hex[:6]}", email="", password="x"
    )
    client.force_login(admin)
    listing = client.get(reverse("admin:accessibility_accessibilityfeedback_changelist"))
    assert listing.status_code == 200
    assert "/inbox/" in listing.content.decode()
    change = client.get(
        reverse("admin:accessibility_accessibilityfeedback_change", args=[feedback.pk])
    )
    assert change.status_code == 200
    html = change.content.decode()
    assert "The sort options are read out in English." in html
    assert 'name="message"' not in html
    assert client.get(reverse("admin:accessibility_accessibilityfeedback_add")).status_code == 403
