"""Reminders go out exactly once: each is claimed with a unique row in the same
transaction that creates its notifications. A scan that dies mid-batch rolls the batch
back whole, and the next scan claims it; two scans at once block on the unique index and
the later one skips what the first claimed."""

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from agencies.models import EmailDelivery, User
from notifications.models import Notification, OutboxKind, ReminderClaim
from notifications.outbox import Mail, outbox_add, outbox_send_key
from notifications.texts import (
    notification_case_line,
    notification_subject,
    notification_text,
)

BATCH_SIZE = 500


@dataclass(frozen=True)
class Due:
    """A reminder that is due: to whom, about what, and where the link goes."""

    kind: str
    subject: str
    due_on: date
    recipients: frozenset[int]
    url: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.kind, self.subject, self.due_on)


def _batches(items: Iterable[Due], size: int) -> Iterator[list[Due]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def reminders_deliver(*, due: Iterable[Due], claimed_since: date) -> int:
    """Claim and deliver what is due, a batch per transaction; returns notifications made.

    The claims from `claimed_since` on are read once, so a scan skips what earlier scans
    delivered without an insert per reminder; the unique claim still decides races.
    """
    claimed = set(
        ReminderClaim.objects.filter(due_on__gte=claimed_since).values_list(
            "kind", "subject", "due_on"
        )
    )
    made = 0
    for batch in _batches((d for d in due if d.key not in claimed), BATCH_SIZE):
        made += _batch_deliver(batch=[d for d in batch if d.recipients])
    return made


@transaction.atomic
def _batch_deliver(*, batch: list[Due]) -> int:
    if not batch:
        return 0
    scan = uuid.uuid4()
    # One lock order for every scan, so two scans of the same reminders cannot deadlock.
    batch.sort(key=lambda d: (d.kind, d.subject, d.due_on))
    ReminderClaim.objects.bulk_create(
        [ReminderClaim(kind=d.kind, subject=d.subject, due_on=d.due_on, scan=scan) for d in batch],
        ignore_conflicts=True,
    )
    mine = set(ReminderClaim.objects.filter(scan=scan).values_list("kind", "subject", "due_on"))
    notifications = [
        Notification(
            recipient_id=user_id,
            kind=d.kind,
            params=d.params,
            url=d.url,
            due_on=d.due_on,
        )
        for d in batch
        if d.key in mine
        for user_id in sorted(d.recipients)
    ]
    if not notifications:
        return 0
    _email_queue(Notification.objects.bulk_create(notifications))
    return len(notifications)


def _email_queue(notifications: list[Notification]) -> None:
    """Write to the outbox, in the caller's transaction, the e-mails of the notifications
    whose users want them at once; `emailed_at` then says the e-mail is in the outbox."""
    waiting = [n for n in notifications if n.emailed_at is None]
    if not waiting:
        return
    users = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={n.recipient_id for n in waiting},
            email_delivery=EmailDelivery.IMMEDIATE,
            is_active=True,
        ).exclude(email="")
    }
    chosen = [n for n in waiting if n.recipient_id in users]
    if not chosen:
        return
    with translation.override(settings.LANGUAGE_CODE):
        mails = [
            Mail(
                key=f"notification:{n.pk}",
                kind=OutboxKind.NOTIFICATION,
                to=users[n.recipient_id].email,
                subject=notification_subject(n),
                body=_email_body([n]),
            )
            for n in chosen
        ]
    outbox_add(mails=mails)
    Notification.objects.filter(pk__in=[n.pk for n in chosen]).update(emailed_at=timezone.now())


def notifications_create(
    *,
    recipients: Iterable[int],
    kind: str,
    params: dict[str, Any],
    url: str,
    due_on: date,
    already_emailed: Iterable[int] = (),
) -> list[Notification]:
    """Notify people of something that happened now (not a reminder: there is nothing to
    claim). Call inside the transaction that made the change; the e-mails go after it."""
    mailed = set(already_emailed)
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            kind=kind,
            params=params,
            url=url,
            due_on=due_on,
            emailed_at=now if user_id in mailed else None,
        )
        for user_id in sorted(set(recipients))
    )
    _email_queue(notifications)
    return notifications


def _email_lines(notification: Notification) -> str:
    """The text, the case's reference when it names one, and the absolute link: never the
    client's name, which e-mail is not safe enough to carry."""
    case_line = notification_case_line(notification)
    return "\n  ".join(
        [
            f"- {notification_text(notification)}",
            *([case_line] if case_line else []),
            f"{settings.POLKU_BASE_URL}{notification.url}",
        ]
    )


def _email_body(notifications: list[Notification]) -> str:
    lines = [_email_lines(n) for n in notifications]
    return "\n".join(
        [
            gettext("You have new notifications in Polku:"),
            "",
            *lines,
            "",
            gettext("Change how Polku e-mails you: %(url)s")
            % {"url": settings.POLKU_BASE_URL + reverse("notification-settings")},
        ]
    )


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification now, in this process, to a user who wants them at once;
    True when this call sent it. Its outbox row is written first if it was not yet; a row
    sent before is not sent again."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",)).filter(pk=notification_id).first()
        )
        if notification is None:
            return False
        _email_queue([notification])
    return outbox_send_key(key=f"notification:{notification_id}")


def digest_recipients() -> list[int]:
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            recipient__email_delivery=EmailDelivery.DAILY,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def digest_send(*, user_id: int) -> int:
    """Write to the outbox one e-mail with every notification the user has not been
    e-mailed; returns how many it carries. The message goes after the commit."""
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, emailed_at__isnull=True)
            .order_by("created_at", "pk")
        )
        user = User.objects.get(pk=user_id)
        if not notifications or user.email_delivery != EmailDelivery.DAILY or not user.email:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "Polku: %(count)d new notification",
                "Polku: %(count)d new notifications",
                len(notifications),
            ) % {"count": len(notifications)}
            body = _email_body(notifications)
        outbox_add(
            mails=[
                Mail(
                    # The first notification can be in one digest only.
                    key=f"digest:{user_id}:{notifications[0].pk}",
                    kind=OutboxKind.DIGEST,
                    to=user.email,
                    subject=subject,
                    body=body,
                )
            ]
        )
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            emailed_at=timezone.now()
        )
    return len(notifications)
