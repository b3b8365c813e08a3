"""Tasks queued before the e-mail outbox (docs/adr/0020-outbox.md). Nothing queues them
any more: the services write the invitations to the outbox in their own transaction.
They stay for one release so that tasks still in a broker at the upgrade are delivered,
through the outbox, once."""

from celery import shared_task
from django.db import transaction

from meetings.invitations import invitation_removed_queue, meeting_invitations_queue
from meetings.models import Meeting


@shared_task(name="meetings.invitations_send", soft_time_limit=120, time_limit=180)
def invitations_send(meeting_id: int, sequence: int) -> int:
    """Write the meeting's messages of `sequence` to the outbox (none for an older one)."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("organiser", "organiser_agency", "case__client")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None or meeting.sequence != sequence:
            return 0
        return meeting_invitations_queue(meeting=meeting)


@shared_task(name="meetings.invitation_cancel_send", soft_time_limit=60, time_limit=90)
def invitation_cancel_send(
    meeting_id: int, sequence: int, invitee_key: str, name: str, email: str
) -> bool:
    """Write a removed invitee's cancellation to the outbox."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_related("organiser", "organiser_agency", "case__client")
            .filter(pk=meeting_id, sequence=sequence)
            .first()
        )
        if meeting is None:
            return False
        return bool(
            invitation_removed_queue(
                meeting=meeting, invitee_key=invitee_key, name=name, email=email
            )
        )
