from collections.abc import Iterator
from unittest import mock

import pytest


@pytest.fixture
def no_broker() -> Iterator[None]:
    """The services queue their tasks on commit; a test that runs the callbacks must not
    reach a broker. Tests that check a task was queued patch it again themselves."""
    with (
        mock.patch("meetings.tasks.invitations_send.delay"),
        mock.patch("meetings.tasks.invitation_cancel_send.delay"),
        mock.patch("notifications.tasks.notifications_email.delay"),
    ):
        yield
