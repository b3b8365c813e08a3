from celery import shared_task

from notifications.services import digest_recipients, digest_send, notification_email_send


@shared_task(
    name="notifications.email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def notifications_email(notification_ids: list[int]) -> int:
    """E-mail notifications to those who want them at once; a sent one is never resent."""
    return sum(notification_email_send(notification_id=pk) for pk in notification_ids)


@shared_task(name="notifications.digest", soft_time_limit=300, time_limit=360)
def notifications_digest() -> int:
    return sum(digest_send(user_id=user_id) for user_id in digest_recipients())
