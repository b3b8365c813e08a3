import copy
import logging
from io import StringIO
from logging.config import dictConfig
from typing import Any

import pytest
from django.conf import settings

from config.logfilters import PersonalDataFilter, redact

HETU = "131052-308T"


@pytest.mark.parametrize(
    "code",
    ["131052-308T", "131052-308t", "010594Y202E", "020502E5021", "020502e5021", "010199+123A"],
)
def test_identity_codes_are_redacted_in_any_century_and_case(code):
    assert redact(f"asiakas {code}, ok") == "asiakas [hetu], ok"
    assert redact(f"hetu={code}") == "hetu=[hetu]"


@pytest.mark.parametrize(
    "number",
    [
        "+358 40 123 4567",
        "+358401234567",
        "00358 40 1234567",
        "040 123 4567",
        "040-1234567",
        "09 1234 5678",
    ],
)
def test_phone_numbers_are_redacted(number):
    assert redact(f"soita {number} huomenna") == "soita [phone] huomenna"


def test_email_addresses_are_redacted():
    assert redact("to matti.meikalainen+polku@kunta.example.fi.") == "to [email]."


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-28 12:00:00,123 INFO django.server GET /cases/ 200 5120",
        "case 5f3a0c2e-1b2d-4c5e-8f9a-0b1c2d3e4f5a opened",
        # Seen in the worker's log before the day and month were checked.
        "Task meetings.invitations_send[ff010180-1234-46b6-901a-e4cacbe8d04b] succeeded",
        "Task health.heartbeat[e5123456-7890-46b6-901a-e4cacbe8d04b] received",
        "scan took 1234 ms for 250000 rows on 127.0.0.1:8000",
        "release on 28.11.2026",
    ],
)
def test_ordinary_log_text_is_left_alone(text):
    assert redact(text) == text


def boom() -> None:
    raise ValueError(f"no client with identity code {HETU} (matti@example.fi, 040 123 4567)")


def test_an_identity_code_in_an_exception_never_reaches_caplog(caplog):
    logger = logging.getLogger("polku.test")
    with caplog.at_level(logging.INFO):
        logger.info("looking up %s for %s", HETU, "matti@example.fi")
        try:
            boom()
        except ValueError:
            logger.exception("lookup of %s failed", HETU)
    assert HETU not in caplog.text
    assert "matti@example.fi" not in caplog.text
    assert "040 123 4567" not in caplog.text
    assert "looking up [hetu] for [email]" in caplog.text
    assert "ValueError: no client with identity code [hetu] ([email], [phone])" in caplog.text
    for record in caplog.records:
        assert HETU not in record.getMessage()
        assert record.exc_info is None  # the live exception is gone for later handlers


@pytest.fixture
def configured_stream():
    """The configured LOGGING, its console handler writing to a StringIO."""
    stream = StringIO()
    config: dict[str, Any] = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = stream
    dictConfig(config)
    yield stream
    dictConfig(settings.LOGGING)


def test_an_identity_code_never_reaches_a_configured_handler(configured_stream):
    logging.getLogger("polku.test").warning("client %s", HETU)
    try:
        boom()
    except ValueError as error:
        # As Django logs an exception in a view (django.request, exc_info).
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/cases/new/", exc_info=error
        )
    output = configured_stream.getvalue()
    assert HETU not in output
    assert "client [hetu]" in output
    assert "Internal Server Error: /cases/new/" in output
    assert "Traceback (most recent call last)" in output
    assert "ValueError: no client with identity code [hetu]" in output


def test_a_broken_format_string_is_still_logged_redacted(configured_stream):
    logging.getLogger("polku.test").warning("%d clients", HETU)
    assert HETU not in configured_stream.getvalue()
    assert "[hetu]" in configured_stream.getvalue()


def test_every_configured_handler_has_the_filter():
    config: dict[str, Any] = settings.LOGGING
    assert config["filters"]["personal_data"]["()"] == "config.logfilters.PersonalDataFilter"
    for name, handler in config["handlers"].items():
        assert "personal_data" in handler.get("filters", []), name
    for handler in logging.getLogger().handlers:
        if not type(handler).__module__.startswith("_pytest"):
            assert any(isinstance(f, PersonalDataFilter) for f in handler.filters), handler
    # Django's own loggers keep no handlers of their own that would bypass it.
    for name in ("django", "django.server", "django.request"):
        assert not logging.getLogger(name).handlers, name


def test_the_celery_worker_logs_through_the_same_configuration():
    from celery import signals

    from config import celery

    # With a listener Celery leaves the root logger's handlers alone.
    assert signals.setup_logging.has_listeners()
    celery._django_logging()
    handlers = logging.getLogger().handlers
    assert any(isinstance(f, PersonalDataFilter) for h in handlers for f in h.filters)
