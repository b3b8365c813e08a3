import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from health.models import Heartbeat
from health.services import heartbeat_record
from health.tasks import heartbeat


@pytest.mark.django_db
def test_healthz_is_degraded_while_the_heartbeat_has_never_run(client):
    response = client.get(reverse("healthz"))
    # 200: the load balancer keeps a web node that serves while the workers are behind.
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "failing": ["heartbeat"],
        "database": "ok",
        "broker": "ok",
        "last_heartbeat": None,
        "heartbeat": "stale",
    }


@pytest.mark.django_db
def test_healthz_is_ok_with_a_fresh_heartbeat_and_degraded_with_an_old_one(client):
    beat = heartbeat_record()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["failing"] == []
    assert data["last_heartbeat"] == beat.last_run_at.isoformat()
    assert data["heartbeat"] == "ok"

    # Five missed minutes make it stale.
    old = heartbeat_record(at=timezone.now() - timedelta(minutes=6))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "degraded"
    assert data["failing"] == ["heartbeat"]
    assert data["heartbeat"] == "stale"
    assert data["last_heartbeat"] == old.last_run_at.isoformat()


@pytest.mark.django_db
def test_healthz_fails_when_the_broker_is_unreachable(client, monkeypatch):
    heartbeat_record()
    # Port 9 (discard) has no listener here: the connection is refused at once.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    assert data["failing"] == ["broker"]
    assert data["broker"] == "error"


@pytest.mark.django_db
def test_healthz_fails_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr("health.selectors._database_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    # Without the database the heartbeat cannot be read either.
    assert data["failing"] == ["database", "heartbeat"]


@pytest.mark.django_db
def test_heartbeat_counts_runs():
    heartbeat_record()
    heartbeat_record()
    assert Heartbeat.objects.get().run_count == 2


def test_beat_runs_the_heartbeat_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry["task"] == heartbeat.name == "health.heartbeat"
    assert entry["schedule"] == 60
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.accept_content == ["json"]
    assert celery_app.conf.task_time_limit


@pytest.mark.realworker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_heartbeat_through_the_configured_broker(celery_queue):
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=10,
        queues=[celery_queue],
    ):
        heartbeat.apply_async(queue=celery_queue)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not Heartbeat.objects.exists():
            time.sleep(0.2)
    beat = Heartbeat.objects.get()
    assert beat.run_count == 1
    assert timezone.now() - beat.last_run_at < timedelta(seconds=30)
