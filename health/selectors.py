from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from health.models import Heartbeat
from health.services import HEARTBEAT


@dataclass(frozen=True)
class HealthReport:
    database_ok: bool
    broker_ok: bool
    last_heartbeat: datetime | None
    heartbeat_ok: bool

    @property
    def ok(self) -> bool:
        """Whether this web node can serve: the database and the broker answer."""
        return self.database_ok and self.broker_ok

    @property
    def failing(self) -> list[str]:
        checks = {
            "database": self.database_ok,
            "broker": self.broker_ok,
            "heartbeat": self.heartbeat_ok,
        }
        return [name for name, ok in checks.items() if not ok]

    @property
    def status(self) -> str:
        """The node's state: an error when it cannot serve; degraded when it can, but the
        worker or beat has not run the heartbeat lately, so reminders and e-mails wait."""
        if not self.ok:
            return "error"
        return "degraded" if self.failing else "ok"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def health_report() -> HealthReport:
    database_ok = _database_ok()
    last = None
    if database_ok:
        last = (
            Heartbeat.objects.filter(name=HEARTBEAT).values_list("last_run_at", flat=True).first()
        )
    # Beat runs the heartbeat every interval; allow a few missed runs before calling it stale.
    stale_after = timedelta(seconds=settings.HEARTBEAT_INTERVAL_SECONDS * 5)
    return HealthReport(
        database_ok=database_ok,
        broker_ok=_broker_ok(),
        last_heartbeat=last,
        heartbeat_ok=last is not None and timezone.now() - last < stale_after,
    )
