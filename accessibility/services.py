import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accessibility.models import AccessibilityFeedback
from accessibility.selectors import feedback_recipients
from notifications.models import OutboxKind
from notifications.outbox import Mail, outbox_add

logger = logging.getLogger(__name__)


def _email_body(feedback: AccessibilityFeedback) -> str:
    link = settings.POLKU_BASE_URL + reverse(
        "admin:accessibility_accessibilityfeedback_change", args=[feedback.pk]
    )
    lines = [
        _("Accessibility feedback was given on Polku. Answer it within 14 days."),
        "",
        f"{_('Page')}: {feedback.page or '–'}",
        f"{_('Name')}: {feedback.name or '–'}",
        f"{_('E-mail address')}: {feedback.email or '–'}",
        f"{_('Language')}: {feedback.language}",
        "",
        feedback.message,
        "",
        _("In the administration: %(url)s") % {"url": link},
    ]
    return "\n".join(lines)


@transaction.atomic
def accessibility_feedback_create(
    *, name: str, email: str, page: str, message: str, language: str
) -> AccessibilityFeedback:
    """Save the feedback and, in the same transaction, an e-mail to each recipient in the
    outbox; an answer goes straight to the sender when they gave an address."""
    feedback = AccessibilityFeedback.objects.create(
        name=name, email=email, page=page, message=message, language=language
    )
    recipients = feedback_recipients()
    if not recipients:
        # Still saved: the administration lists it.
        logger.warning("accessibility feedback %s: nobody to e-mail it to", feedback.pk)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Polku: accessibility feedback")
        body = _email_body(feedback)
    outbox_add(
        mails=[
            Mail(
                key=f"accessibility-feedback:{feedback.pk}:{number}",
                kind=OutboxKind.NOTIFICATION,
                to=address,
                subject=subject,
                body=body,
                reply_to=email,
            )
            for number, address in enumerate(recipients)
        ]
    )
    return feedback
