"""A Redis broker that is down does not turn a saved change into an error: cancelling a
meeting succeeds, its e-mails wait in the outbox, and after Redis returns the drain hands
them out and each goes once. A real redis-server is started on a free port and killed."""

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from django.urls import reverse

from config.celery import app as celery_app
from meetings.models import EventStatus, Meeting
from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_send
from notifications.tasks import outbox_drain

from ..notifications.outbox_helpers import outbox_deliver
from ..notifications.smtp_helpers import free_port, smtp_running
from .meeting_helpers import schedule

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="needs redis-server (Debian: redis-server)"
    ),
]


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.05)
    try:
        yield server
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _reset_pools() -> None:
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point the Celery app (and its connection pools) at `url` for the block."""
    conf: Any = celery_app.conf
    before = (conf.broker_url, conf.broker_transport_options)
    conf.broker_url = url
    conf.broker_transport_options = {"socket_connect_timeout": 2}
    _reset_pools()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = before
        _reset_pools()


def take_tasks() -> list[dict[str, Any]]:
    """The task messages waiting in the broker's default queue, taken as a worker would."""
    taken = []
    with celery_app.connection_for_read() as conn:
        queue = conn.SimpleQueue(celery_app.conf.task_default_queue)
        while True:
            try:
                message = queue.get(timeout=0.5)
            except queue.Empty:
                break
            taken.append({"task": message.headers["task"], "args": message.payload[0]})
            message.ack()
        queue.close()
    return taken


def test_a_cancellation_while_redis_is_down_succeeds_and_mails_once_it_returns(
    login, settings, django_capture_on_commit_callbacks
):
    port = free_port()
    with smtp_running(settings) as smtp, broker_at(f"redis://127.0.0.1:{port}/0"):
        meeting = schedule()
        assert outbox_deliver() == [OutboxStatus.SENT, OutboxStatus.SENT]  # the invitations
        with redis_server(port) as server:
            server.kill()
            server.wait()
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = login("koordinaattori.oulu").post(
                reverse("meeting-cancel", args=[meeting.public_id])
            )
        assert response.status_code == 302
        assert time.monotonic() - started < 10
        assert Meeting.objects.get(pk=meeting.pk).status == EventStatus.CANCELLED
        cancels = OutboxMessage.objects.filter(calendar_method="CANCEL")
        assert cancels.count() == 2
        # Nothing took them: they wait for the drain, not for a grace period.
        assert set(cancels.values_list("status", "dispatched_at")) == {(OutboxStatus.PENDING, None)}
        assert len(smtp.received) == 2

        with redis_server(port):
            assert outbox_drain() == 2
            assert outbox_drain() == 0  # handed out once, not every minute
            tasks = take_tasks()
            assert {t["task"] for t in tasks} == {"notifications.outbox_send"}
            ids = sorted(t["args"][0] for t in tasks)
            assert ids == sorted(cancels.values_list("pk", flat=True))
            # A worker runs each task; a redelivered one does nothing.
            assert [outbox_send(message_id=pk) for pk in ids] == ["sent", "sent"]
            assert [outbox_send(message_id=pk) for pk in ids] == ["", ""]

    counts = smtp.counts()
    assert sorted(counts.values()) == [1, 1, 1, 1]  # two invitations, two cancellations
    assert set(OutboxMessage.objects.values_list("message_id", flat=True)) == set(counts)
