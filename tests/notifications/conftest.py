from collections.abc import Iterator
from typing import Any

import pytest

from .smtp_helpers import Handler, smtp_running


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Handler]:
    """A real SMTP server on a free port, Django's SMTP backend pointed at it."""
    with smtp_running(settings) as handler:
        yield handler
