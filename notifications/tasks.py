from celery import shared_task

from notifications.outbox import outbox_dispatch, outbox_due
from notifications.outbox import outbox_send as outbox_send_service
from notifications.services import digest_recipients, digest_send, notification_email_send


@shared_task(name="notifications.outbox_send", soft_time_limit=60, time_limit=90)
def outbox_send(message_id: int) -> str:
    """Send one outbox row. Not retried by Celery: a failed attempt goes back to the
    outbox with its back-off, and the drain hands it out again when it is due."""
    return outbox_send_service(message_id=message_id)


@shared_task(
    name="notifications.outbox_drain",
    soft_time_limit=50,
    time_limit=55,
)
def outbox_drain() -> int:
    """Every minute: take back rows of senders that died and hand out what is due."""
    return outbox_dispatch(outbox_due())


@shared_task(
    name="notifications.email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def notifications_email(notification_ids: list[int]) -> int:
    """Tasks queued before the outbox: send their notifications through it. Nothing
    queues this task any more; it stays for one release."""
    return sum(notification_email_send(notification_id=pk) for pk in notification_ids)


@shared_task(name="notifications.digest", soft_time_limit=300, time_limit=360)
def notifications_digest() -> int:
    """Write each daily digest to the outbox; each is sent as its own task."""
    return sum(digest_send(user_id=user_id) for user_id in digest_recipients())
