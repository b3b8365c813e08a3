"""The e-mail outbox against a real SMTP server: a slow message times out and is tried
again later while the others go; refusals are retried with back-off and the message is
failed after 24 hours, for the administrator to see; a sender killed mid-send loses
nothing and duplicates at most that one message."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxKind, OutboxMessage, OutboxStatus
from notifications.outbox import (
    GIVE_UP_AFTER,
    LEASE,
    Mail,
    backoff,
    outbox_add,
    outbox_due,
    outbox_send,
)

from ..factories import user
from .smtp_helpers import Handler

pytestmark = pytest.mark.django_db

SLOW = "hidas@example.org"
REFUSED = "torjuu@example.org"


def write(*recipients: str) -> list[OutboxMessage]:
    with transaction.atomic():
        outbox_add(
            mails=[
                Mail(
                    key=f"test:{to}",
                    kind=OutboxKind.NOTIFICATION,
                    to=to,
                    subject=f"Polku: testi {to}",
                    body="Sinulla on uusia ilmoituksia Polussa.",
                )
                for to in recipients
            ]
        )
    return list(OutboxMessage.objects.filter(key__in=[f"test:{to}" for to in recipients]))


def deliver_due() -> dict[str, str]:
    """Hand out what is due, as the drain does, and send each as its task would."""
    return {OutboxMessage.objects.get(pk=pk).to: outbox_send(message_id=pk) for pk in outbox_due()}


def deliver_written(rows: list[OutboxMessage]) -> dict[str, str]:
    """Send the rows just written, as the tasks handed out after the commit would."""
    return {row.to: outbox_send(message_id=row.pk) for row in rows}


def test_a_slow_message_is_tried_again_later_and_the_others_go_at_once(smtp_server: Handler):
    smtp_server.slow[SLOW] = 3  # longer than the one-second EMAIL_TIMEOUT
    rows = write(SLOW, "a@example.org", "b@example.org")
    started = time.monotonic()
    assert deliver_written(rows) == {
        SLOW: OutboxStatus.PENDING,
        "a@example.org": OutboxStatus.SENT,
        "b@example.org": OutboxStatus.SENT,
    }
    # The slow one cost its timeout, not the others' time (each is its own task anyway).
    assert time.monotonic() - started < 2.5
    slow = OutboxMessage.objects.get(to=SLOW)
    assert (slow.attempts, slow.status) == (1, OutboxStatus.PENDING)
    assert "timed out" in slow.last_error
    assert slow.next_attempt_at > timezone.now() + backoff(1) - timedelta(seconds=5)
    assert deliver_due() == {}  # not due yet
    del smtp_server.slow[SLOW]
    with time_machine.travel(timezone.now() + backoff(1) + timedelta(seconds=1)):
        assert deliver_due() == {SLOW: OutboxStatus.SENT}
    ids = dict(OutboxMessage.objects.values_list("to", "message_id"))
    assert smtp_server.counts() == {ids[to]: 1 for to in ids}


def test_refusals_back_off_and_fail_after_a_day_for_the_admin_to_see(smtp_server: Handler):
    smtp_server.refuse.add(REFUSED)
    rows = write(REFUSED, "c@example.org")
    assert deliver_written(rows) == {
        REFUSED: OutboxStatus.PENDING,
        "c@example.org": OutboxStatus.SENT,
    }
    refused = OutboxMessage.objects.get(to=REFUSED)
    assert "451" in refused.last_error
    waits = [refused.next_attempt_at - timezone.now()]
    moment = timezone.now()
    while refused.status == OutboxStatus.PENDING:
        moment = refused.next_attempt_at + timedelta(seconds=1)
        with time_machine.travel(moment, tick=False):
            deliver_due()
        refused.refresh_from_db()
        waits.append(refused.next_attempt_at - moment)
    assert refused.status == OutboxStatus.FAILED
    assert moment - refused.created_at >= GIVE_UP_AFTER
    # 1, 2, 4 … minutes, then an hour at most: some 30 tries in the day, not thousands.
    assert [round(w.total_seconds() / 60) for w in waits[:5]] == [1, 2, 4, 8, 16]
    assert max(waits) <= timedelta(hours=1, seconds=5)
    assert 20 < refused.attempts < 40
    # The administrator finds it by its status.
    admin = Client()
    admin.force_login(user("admin"))
    page = admin.get(
        reverse("admin:notifications_outboxmessage_changelist"), {"status__exact": "failed"}
    )
    assert page.status_code == 200
    assert REFUSED in page.content.decode()
    assert "c@example.org" not in page.content.decode()


SENDER = """
import json, os, sys
import django
django.setup()
from notifications.models import OutboxMessage
from notifications.outbox import outbox_message, outbox_send
mode, payload = sys.argv[1], sys.argv[2]
if mode == "db":
    outbox_send(message_id=int(payload))
else:
    outbox_message(OutboxMessage(**json.loads(payload))).send(fail_silently=False)
"""


def _sender_env(port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    return env


@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_mid_send_loses_nothing_and_duplicates_at_most_that_one(
    smtp_server: Handler,
):
    """A real process sends and is killed with SIGKILL while the server holds the message
    it has taken. On PostgreSQL the process is the whole sender (claim, send, mark) against
    the test database; SQLite's test database lives in this process's memory, so there this
    process claims the row exactly as the sender does and the killed process sends it."""
    victim = "kuolee@example.org"
    others = [f"muu{i}@example.org" for i in range(4)]
    rows = write(victim, *others)
    smtp_server.hold.add(victim)
    row = next(r for r in rows if r.to == victim)
    if connection.vendor == "postgresql":
        arguments = ["db", str(row.pk)]
    else:
        from notifications.outbox import _claim

        assert _claim(pk=row.pk, now=timezone.now())
        fields = {
            name: getattr(row, name)
            for name in ("to", "subject", "body", "message_id", "reply_to", "calendar")
        }
        arguments = ["message", json.dumps(fields)]
    sender = subprocess.Popen(
        [sys.executable, "-c", SENDER, *arguments],
        cwd=settings.BASE_DIR,
        env=_sender_env(settings.EMAIL_PORT),
    )
    try:
        assert smtp_server.holding.wait(30), "the sender never reached the SMTP server"
        os.kill(sender.pid, signal.SIGKILL)
        assert sender.wait(10) == -signal.SIGKILL
    finally:
        if sender.poll() is None:
            sender.kill()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENDING  # what a dead sender leaves
    # The others go meanwhile; the dead sender's row waits for its lease.
    assert deliver_written([r for r in rows if r.to != victim]) == dict.fromkeys(
        others, OutboxStatus.SENT
    )
    assert deliver_due() == {}
    assert row.claimed_at is not None
    with time_machine.travel(row.claimed_at + LEASE + timedelta(seconds=1)):
        assert deliver_due() == {victim: OutboxStatus.SENT}
        assert deliver_due() == {}
    ids = dict(OutboxMessage.objects.values_list("to", "message_id"))
    counts = smtp_server.counts()
    lost = [to for to, message_id in ids.items() if counts[message_id] == 0]
    duplicated = sum(n - 1 for n in counts.values())
    print(f"kill test: {len(ids)} messages, {len(lost)} lost, {duplicated} duplicated")
    assert lost == []
    assert duplicated <= 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
