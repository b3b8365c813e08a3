"""The e-mail outbox: nothing is lost, and a message goes out once unless a sender dies
mid-send (docs/adr/0020-outbox.md).

A service writes the message as an `OutboxMessage` row in the transaction of the change it
follows (`outbox_add`). After the commit each row is handed to the worker as its own task
(`notifications.outbox_send`); a broker that is down only leaves the row waiting, and
the beat task `notifications.outbox_drain` hands out whatever is due every minute.

A sender claims a row (pending → sending, with a claim token, in a conditional UPDATE),
sends it over SMTP with a timeout shorter than the task's limit, and marks it sent. An
error or a timeout puts it back to pending with an exponential back-off; a message still
unsent 24 hours after it was written is marked failed, for the administrator to see. A row
left in "sending" by a sender that died is taken back after a lease far longer than any
send may last: that, and an SMTP server that took the message but whose answer never
arrived, are the only ways a message goes twice, with the same Message-ID.
"""

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# A sender that has held a row this long has died: the task's hard time limit is far shorter.
LEASE = timedelta(minutes=10)
# A row handed to the broker and not claimed in this time is handed out again (the broker
# may have lost it, e.g. a Redis restarted without its data).
DISPATCH_GRACE = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
DRAIN_BATCH = 1000
CALENDAR_FILENAME = "invite.ics"

# The status changes a row may make, each done by one function below as a conditional
# UPDATE from the status it leaves.
TRANSITIONS: dict[str, frozenset[str]] = {
    OutboxStatus.PENDING: frozenset({OutboxStatus.SENDING, OutboxStatus.DROPPED}),
    OutboxStatus.SENDING: frozenset(
        {OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.DROPPED}
    ),
    OutboxStatus.SENT: frozenset(),
    OutboxStatus.FAILED: frozenset({OutboxStatus.PENDING}),
    OutboxStatus.DROPPED: frozenset(),
}


@dataclass(frozen=True)
class Mail:
    """One message to write to the outbox. `key` names it uniquely (writing it again is a
    no-op); a newer message in the same `thread` (higher `thread_order`) makes the older
    ones still waiting outdated; after `discard_after` it is no longer worth sending."""

    key: str
    kind: str
    to: str
    subject: str
    body: str
    reply_to: str = ""
    calendar: str = ""
    calendar_method: str = ""
    thread: str = ""
    thread_order: int = 0
    discard_after: datetime | None = None


def _message_id() -> str:
    # An explicit domain: the default asks DNS for the host's name.
    domain = urlsplit(settings.POLKU_BASE_URL).hostname or "polku.invalid"
    return make_msgid(idstring="polku", domain=domain)


def _move(
    pks: Iterable[int],
    *,
    source: str,
    target: str,
    claim: uuid.UUID | None = None,
    **fields: object,
) -> int:
    if target not in TRANSITIONS[source]:
        raise ValueError(f"outbox: {source} → {target} is not allowed")
    rows = OutboxMessage.objects.filter(pk__in=list(pks), status=source)
    if claim is not None:
        rows = rows.filter(claim=claim)
    return rows.update(status=target, **fields)


def outbox_add(*, mails: Sequence[Mail]) -> list[int]:
    """Write the messages in the caller's transaction and hand them to the worker after
    the commit; returns the ids of the rows waiting under those keys. A key written before
    is left as it is."""
    if not mails:
        return []
    now = timezone.now()
    with transaction.atomic():
        existing = set(
            OutboxMessage.objects.filter(key__in=[m.key for m in mails]).values_list(
                "key", flat=True
            )
        )
        new = [m for m in mails if m.key not in existing]
        OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(
                    key=m.key,
                    kind=m.kind,
                    to=m.to,
                    subject=m.subject[:300],
                    body=m.body,
                    reply_to=m.reply_to,
                    calendar=m.calendar,
                    calendar_method=m.calendar_method,
                    thread=m.thread,
                    thread_order=m.thread_order,
                    discard_after=m.discard_after,
                    message_id=_message_id(),
                    next_attempt_at=now,
                    dispatched_at=now,
                )
                for m in new
            ],
            ignore_conflicts=True,
        )
        for mail in new:
            if mail.thread:
                outdated = OutboxMessage.objects.filter(
                    thread=mail.thread, thread_order__lt=mail.thread_order
                ).values_list("pk", flat=True)
                _move(
                    outdated,
                    source=OutboxStatus.PENDING,
                    target=OutboxStatus.DROPPED,
                    last_error="outdated by a newer message",
                )
        ids = list(
            OutboxMessage.objects.filter(
                key__in=[m.key for m in new], status=OutboxStatus.PENDING
            ).values_list("pk", flat=True)
        )
    if ids:
        transaction.on_commit(lambda: outbox_dispatch(ids))
    return ids


def outbox_dispatch(ids: Sequence[int]) -> int:
    """Hand each row to the worker as its own task; returns how many were handed over. A
    broker that cannot be reached is logged, never raised: the rows wait for the drain."""
    from notifications.tasks import outbox_send as outbox_send_task

    handed = 0
    for pk in ids:
        try:
            outbox_send_task.apply_async(
                (pk,),
                retry=True,
                retry_policy={
                    "max_retries": 1,
                    "interval_start": 0,
                    "interval_step": 0.2,
                    "interval_max": 0.2,
                },
            )
        except Exception:
            logger.warning(
                "outbox: the broker did not take %d message(s); the drain will send them",
                len(ids) - handed,
                exc_info=True,
            )
            try:
                OutboxMessage.objects.filter(
                    pk__in=list(ids[handed:]), status=OutboxStatus.PENDING
                ).update(dispatched_at=None)
            except Exception:  # the database too: the dispatch grace covers it
                logger.warning("outbox: could not mark messages for the drain", exc_info=True)
            break
        handed += 1
    return handed


def outbox_due(*, now: datetime | None = None, limit: int = DRAIN_BATCH) -> list[int]:
    """Take back the rows of senders that died (past the lease) and return the rows due to
    be handed out, marked as handed out now."""
    now = now or timezone.now()
    taken_back = _lease_expire(now=now)
    if taken_back:
        logger.warning("outbox: %d message(s) taken back from senders that died", taken_back)
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - DISPATCH_GRACE))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=ids).update(dispatched_at=now)
    return ids


def _lease_expire(*, now: datetime) -> int:
    """sending → pending for rows whose sender has held them past the lease."""
    dead = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - LEASE
    ).values_list("pk", flat=True)
    return _move(
        list(dead),
        source=OutboxStatus.SENDING,
        target=OutboxStatus.PENDING,
        claim=None,
        next_attempt_at=now,
        dispatched_at=None,
        last_error="the sender did not finish; sent again",
    )


def _claim(*, pk: int, now: datetime) -> uuid.UUID | None:
    """pending → sending, if the row is due; the token proves the claim is still ours."""
    token = uuid.uuid4()
    claimed = OutboxMessage.objects.filter(
        pk=pk, status=OutboxStatus.PENDING, next_attempt_at__lte=now
    ).update(
        status=OutboxStatus.SENDING,
        claim=token,
        claimed_at=now,
        attempts=F("attempts") + 1,
    )
    return token if claimed else None


def _sent(*, pk: int, claim: uuid.UUID) -> bool:
    return bool(
        _move(
            [pk],
            source=OutboxStatus.SENDING,
            target=OutboxStatus.SENT,
            claim=claim,
            sent_at=timezone.now(),
            last_error="",
        )
    )


def _dropped(*, pk: int, claim: uuid.UUID, reason: str) -> bool:
    return bool(
        _move(
            [pk],
            source=OutboxStatus.SENDING,
            target=OutboxStatus.DROPPED,
            claim=claim,
            last_error=reason,
        )
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the attempts so far, at most an hour."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)


def _failed_attempt(*, row: OutboxMessage, claim: uuid.UUID, error: str) -> str:
    """sending → pending with a back-off, or → failed once the message is 24 hours old."""
    now = timezone.now()
    if now - row.created_at >= GIVE_UP_AFTER:
        _move(
            [row.pk],
            source=OutboxStatus.SENDING,
            target=OutboxStatus.FAILED,
            claim=claim,
            last_error=error,
        )
        return OutboxStatus.FAILED
    _move(
        [row.pk],
        source=OutboxStatus.SENDING,
        target=OutboxStatus.PENDING,
        claim=claim,
        last_error=error,
        next_attempt_at=now + backoff(row.attempts),
        dispatched_at=None,
    )
    return OutboxStatus.PENDING


def outbox_message(row: OutboxMessage) -> EmailMessage:
    """The e-mail of a row, with its stable Message-ID (and its calendar, if any)."""
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.to],
        reply_to=[row.reply_to] if row.reply_to else None,
        headers={"Message-ID": row.message_id},
    )
    if row.calendar:
        part = MIMEText(row.calendar, "calendar", "utf-8")
        part.set_param("method", row.calendar_method)
        part.set_param("name", CALENDAR_FILENAME)
        part.add_header("Content-Disposition", "attachment", filename=CALENDAR_FILENAME)
        message.attach(part)
    return message


def outbox_send(*, message_id: int) -> str:
    """Claim the row, send it and mark it sent; returns the row's status after this try,
    or "" when it was not this sender's to send (sent already, claimed by another, not
    yet due)."""
    now = timezone.now()
    claim = _claim(pk=message_id, now=now)
    if claim is None:
        return ""
    row = OutboxMessage.objects.get(pk=message_id)
    if row.discard_after is not None and row.discard_after < now:
        _dropped(pk=row.pk, claim=claim, reason="outdated before it could be sent")
        return OutboxStatus.DROPPED
    try:
        outbox_message(row).send(fail_silently=False)
    except Exception as error:  # SMTP errors, timeouts, the task's soft time limit
        logger.warning("outbox: message %d not sent (attempt %d): %r", row.pk, row.attempts, error)
        return _failed_attempt(row=row, claim=claim, error=repr(error)[:2000])
    if not _sent(pk=row.pk, claim=claim):
        # The lease ran out while this sender waited: another sender has it now.
        logger.warning("outbox: message %d was sent after its lease ran out", row.pk)
    return OutboxStatus.SENT


def outbox_send_key(*, key: str) -> bool:
    """Send the row of `key` now, in this process; True when this call sent it."""
    pk = OutboxMessage.objects.filter(key=key).values_list("pk", flat=True).first()
    return pk is not None and outbox_send(message_id=pk) == OutboxStatus.SENT


def outbox_failed_count() -> int:
    return OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()


def outbox_retry(*, ids: Sequence[int]) -> int:
    """failed → pending: an administrator asks for one more attempt, handed out at once."""
    now = timezone.now()
    with transaction.atomic():
        moved = _move(
            ids,
            source=OutboxStatus.FAILED,
            target=OutboxStatus.PENDING,
            next_attempt_at=now,
            dispatched_at=now,
        )
        pending = list(
            OutboxMessage.objects.filter(
                pk__in=list(ids), status=OutboxStatus.PENDING, dispatched_at=now
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: outbox_dispatch(pending))
    return moved
