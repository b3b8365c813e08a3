"""A real SMTP server (aiosmtpd) in the test, on a free port, that can answer slowly, refuse
a recipient, or hold a message it has received before answering."""

import asyncio
import email
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Handler:
    """What the server does per recipient: `slow` waits before accepting the recipient,
    `refuse` answers 451, `hold` takes the message and waits (once per Message-ID) before
    answering 250. Every message taken is in `received` as (Message-ID, recipient)."""

    slow: dict[str, float] = field(default_factory=dict)
    refuse: set[str] = field(default_factory=set)
    hold: set[str] = field(default_factory=set)
    received: list[tuple[str, str]] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    held: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "451 4.3.0 Try again later"
        if address in self.slow:
            await asyncio.sleep(self.slow[address])
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        message_id = str(message["Message-ID"])
        for address in envelope.rcpt_tos:
            self.received.append((message_id, address))
        if set(envelope.rcpt_tos) & self.hold and message_id not in self.held:
            # The message is taken (a real server has queued it by now); the answer waits.
            self.held.add(message_id)
            self.holding.set()
            for _ in range(300):
                if self.release.is_set():
                    break
                await asyncio.sleep(0.1)
        return "250 Message accepted for delivery"

    def counts(self) -> Counter[str]:
        return Counter(message_id for message_id, _to in self.received)


@contextmanager
def smtp_running(settings: Any) -> Iterator[Handler]:
    """The server, with Django's SMTP backend pointed at it and a one-second timeout."""
    from aiosmtpd.controller import Controller

    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    try:
        yield handler
    finally:
        handler.release.set()
        controller.stop()
