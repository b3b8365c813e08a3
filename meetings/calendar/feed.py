"""Calendar files: a gathering's .ics download, and each user's personal calendar feed, a
secret URL that calendar programs subscribe to.

The token is shown once; only its SHA-256 is stored, so a copy of the database gives no
feed away. A feed is found by the hash through a unique index: the lookup costs the same
for any token, and comparing hashes tells an attacker nothing about a token. 256 bits of
randomness make guessing hopeless, so no rate limit is needed against guessing; a feed
read is kept to one indexed lookup and one events query instead.

The feed leaves Polku for the user's calendar service, so it carries no client data: a
case meeting has the same text as its invitation (meetings.selectors.meeting_event_spec):
the coordinator's title, which names no client, the place, the video link and a link to
the meeting page, where Polku checks access and logs what it shows.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.models import User
from meetings.calendar.selectors import FeedRow, feed_rows, meeting_url
from meetings.ical import (
    METHOD_PUBLISH,
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    EventSpec,
    event_calendar,
)
from meetings.models import CalendarFeed, EventStatus, Gathering

TOKEN_BYTES = 32
# Calendar programs poll every few minutes to hours; writing on each poll would be waste.
LAST_USED_RESOLUTION = timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new feed for the user, revoking the one they had. Returns the token, which is
    never stored and cannot be shown again."""
    now = timezone.now()
    # Lock the user: two clicks at once must not both insert an active feed.
    User.objects.select_for_update().filter(pk=user.pk).first()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.create(user=user, token_hash=token_hash(token))
    return feed, token


@transaction.atomic
def feed_revoke(*, user: User) -> bool:
    """Revoke the user's feed; its URL stops working at once. False if there was none."""
    return (
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        > 0
    )


def feed_for_token(*, token: str, now: datetime) -> CalendarFeed | None:
    """The active feed of an active user behind the token, or None. Notes the use at most
    once an hour."""
    digest = token_hash(token)
    feed = (
        CalendarFeed.objects.filter(
            token_hash=digest, revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.token_hash, digest):
        return None
    if feed.last_used_at is None or feed.last_used_at <= now - LAST_USED_RESOLUTION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed


def _row_spec(row: FeedRow, *, base_url: str) -> EventSpec:
    status = STATUS_CANCELLED if row.status == EventStatus.CANCELLED else STATUS_CONFIRMED
    if row.kind == "meeting":
        url = base_url + (meeting_url(public_id=row.public_id) or reverse("calendar"))
        # As in the invitation (meetings.selectors.meeting_summary), so both read alike.
        summary = f"{_('Network meeting')}: {row.title}"
        lines = [_("Organiser: %(agency)s") % {"agency": row.agency_name}]
    else:
        url = base_url + reverse("gathering-detail", args=[row.public_id])
        summary = row.title
        lines = [row.description] if row.description else []
        lines.append(_("Organiser: %(agency)s") % {"agency": row.agency_name})
    if row.video_url:
        lines.append(_("Video link: %(url)s") % {"url": row.video_url})
    lines.append(url)
    return EventSpec(
        uid=row.uid,
        sequence=row.sequence,
        summary=summary,
        description="\n\n".join(lines),
        location=row.place or row.video_url,
        url=url,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status=status,
    )


def feed_calendar(*, feed: CalendarFeed, base_url: str, now: datetime) -> bytes:
    """The feed's VCALENDAR, without METHOD (RFC 5545 §3.7.2: a published calendar)."""
    # The feed has no session and no language cookie: it speaks the service's language.
    with translation.override(settings.LANGUAGE_CODE):
        events = [_row_spec(row, base_url=base_url) for row in feed_rows(user=feed.user, now=now)]
    return event_calendar(events=events, method=None)


def _programme_text(gathering: Gathering) -> str:
    return "\n".join(
        " – ".join(
            part
            for part in (
                f"{item.starts_at:%H.%M} {item.title}",
                item.speaker,
                item.organisation,
            )
            if part
        )
        for item in gathering.programme.all()
    )


def gathering_ics(*, gathering: Gathering, url: str) -> bytes:
    """One gathering with its programme, METHOD:PUBLISH, for the download button."""
    lines = [gathering.description, _programme_text(gathering)]
    if gathering.video_url:
        lines.append(_("Video link: %(url)s") % {"url": gathering.video_url})
    lines.append(url)
    spec = EventSpec(
        uid=gathering.uid,
        sequence=gathering.sequence,
        summary=gathering.title,
        description="\n\n".join(line for line in lines if line),
        location=gathering.place,
        url=url,
        starts_at=gathering.starts_at,
        ends_at=gathering.ends_at,
        status=STATUS_CANCELLED if gathering.status == EventStatus.CANCELLED else STATUS_CONFIRMED,
    )
    return event_calendar(events=[spec], method=METHOD_PUBLISH)
