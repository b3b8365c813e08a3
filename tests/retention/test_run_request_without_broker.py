"""The data protection officer's "run now" is saved even when the broker is down, and
the nightly run takes the waiting request over (issue 12: no 500 after a saved change)."""

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from retention.models import RetentionRun, RunStatus
from retention.services import retention_execute
from retention.tasks import retention_run

from .conftest import today

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_run_requested_while_the_broker_is_down_waits_for_the_nightly_run(
    personas, login, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(retention_run, "delay", broker_down)
    response = login("tietosuoja").post(reverse("retention-run"))
    assert response.status_code == 302
    run = RetentionRun.objects.get()
    assert run.status == RunStatus.REQUESTED

    nightly = retention_execute(run_id=None, today=today())

    assert nightly is not None
    assert nightly.pk == run.pk
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    # The officer may ask again: nothing is left waiting.
    assert not RetentionRun.objects.filter(status=RunStatus.REQUESTED).exists()
