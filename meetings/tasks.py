from celery import shared_task

from meetings.invitations import invitation_cancel_send as _cancel_send
from meetings.invitations import meeting_invitations_send


@shared_task(
    name="meetings.invitations_send",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def invitations_send(meeting_id: int, sequence: int) -> int:
    """E-mail the meeting's invitation or cancellation of `sequence` to its invitees; each
    invitee gets each sequence once, however often this runs."""
    return meeting_invitations_send(meeting_id=meeting_id, sequence=sequence)


@shared_task(
    name="meetings.invitation_cancel_send",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def invitation_cancel_send(
    meeting_id: int, sequence: int, invitee_key: str, name: str, email: str
) -> bool:
    """E-mail a removed invitee the cancellation (once); the invitee's row is gone, so its
    address travels with the task."""
    return _cancel_send(
        meeting_id=meeting_id, sequence=sequence, invitee_key=invitee_key, name=name, email=email
    )
