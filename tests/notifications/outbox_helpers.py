"""Deliver the e-mail outbox in the test's own process, as the worker would."""

from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_send


def outbox_deliver() -> list[str]:
    """Send every row due now, once each; returns the statuses they ended in."""
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("pk")
    return [outbox_send(message_id=pk) for pk in due.values_list("pk", flat=True)]
