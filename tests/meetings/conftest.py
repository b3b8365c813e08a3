from collections.abc import Iterator
from unittest import mock

import pytest


@pytest.fixture
def no_broker() -> Iterator[None]:
    """The services hand their outbox rows to the worker on commit; a test that runs the
    callbacks must not reach a broker. Tests that check a row was handed over patch it
    again themselves."""
    with mock.patch("notifications.tasks.outbox_send.apply_async"):
        yield
