"""My meetings: the user's case network meetings and gatherings by week, month or as a
list, server-rendered; and the personal .ics feed with its secret URL.

The calendar shows a case meeting's title and time only, never anything about the client,
so it writes no use log; the meeting's own page logs what it shows.
"""

import calendar as pycalendar
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from core.dates import today
from core.http import AuthenticatedRequest
from meetings.calendar.feed import (
    feed_calendar,
    feed_create,
    feed_for_token,
    feed_revoke,
    token_hash,
)
from meetings.calendar.selectors import (
    CalendarEntry,
    calendar_entries,
    feed_active,
    local_midnight,
)
from meetings.ical import content_type

LIST_DAYS = 28
# Carries a new feed's token from the creating POST to the page that shows it once.
NEW_FEED_COOKIE = "polku_new_feed"
NEW_FEED_SECONDS = 120


@dataclass(frozen=True)
class Day:
    date: date
    entries: list[CalendarEntry]
    is_today: bool
    in_month: bool = True


def _chosen_day(request: HttpRequest) -> date:
    """The day in ?date=YYYY-MM-DD, or today; a malformed date falls back to today."""
    value = request.GET.get("date", "")
    try:
        return date.fromisoformat(value) if value else today()
    except ValueError:
        return today()


def _days(user_entries: list[CalendarEntry], first: date, count: int) -> list[Day]:
    now = today()
    return [
        Day(
            date=day,
            entries=[entry for entry in user_entries if entry.on(day)],
            is_today=day == now,
        )
        for day in (first + timedelta(days=i) for i in range(count))
    ]


def _entries(request: AuthenticatedRequest, first: date, last: date) -> list[CalendarEntry]:
    return calendar_entries(
        user=request.user,
        starts=local_midnight(first),
        ends=local_midnight(last + timedelta(days=1)),
    )


@login_required
def calendar_week(request: AuthenticatedRequest) -> HttpResponse:
    chosen = _chosen_day(request)
    monday = chosen - timedelta(days=chosen.weekday())
    sunday = monday + timedelta(days=6)
    days = _days(_entries(request, monday, sunday), monday, 7)
    return render(
        request,
        "meetings/calendar_week.html",
        {
            "view": "week",
            "days": days,
            "monday": monday,
            "sunday": sunday,
            "week_number": monday.isocalendar().week,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": today(),
            "has_entries": any(day.entries for day in days),
        },
    )


@login_required
def calendar_month(request: AuthenticatedRequest) -> HttpResponse:
    chosen = _chosen_day(request)
    first = chosen.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    count = (grid_end - grid_start).days + 1
    entries = _entries(request, grid_start, grid_end)
    days = [
        Day(
            date=day.date,
            entries=day.entries,
            is_today=day.is_today,
            in_month=day.date.month == first.month,
        )
        for day in _days(entries, grid_start, count)
    ]
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return render(
        request,
        "meetings/calendar_month.html",
        {
            "view": "month",
            "weeks": weeks,
            "weekdays": [day.date for day in days[:7]],
            "month": first,
            "previous": (first - timedelta(days=1)).replace(day=1),
            "next": last + timedelta(days=1),
            "today": today(),
            "has_entries": any(day.entries for day in days if day.in_month),
        },
    )


@login_required
def calendar_list(request: AuthenticatedRequest) -> HttpResponse:
    first = _chosen_day(request)
    last = first + timedelta(days=LIST_DAYS - 1)
    days = [day for day in _days(_entries(request, first, last), first, LIST_DAYS) if day.entries]
    return render(
        request,
        "meetings/calendar_list.html",
        {
            "view": "list",
            "days": days,
            "first": first,
            "last": last,
            "previous": first - timedelta(days=LIST_DAYS),
            "next": first + timedelta(days=LIST_DAYS),
            "today": today(),
        },
    )


@login_required
@never_cache
def calendar_feed(request: AuthenticatedRequest) -> HttpResponse:
    """The feed's state; right after creation, once, its address."""
    feed = feed_active(user=request.user)
    token = request.get_signed_cookie(
        NEW_FEED_COOKIE, default=None, salt=NEW_FEED_COOKIE, max_age=NEW_FEED_SECONDS
    )
    feed_url = None
    if feed is not None and token and hmac.compare_digest(token_hash(token), feed.token_hash):
        feed_url = request.build_absolute_uri(reverse("calendar-feed-ics", args=[token]))
    response = render(request, "meetings/calendar_feed.html", {"feed": feed, "feed_url": feed_url})
    if token is not None or NEW_FEED_COOKIE in request.COOKIES:
        response.delete_cookie(NEW_FEED_COOKIE, path=reverse("calendar-feed"))
    return response


@login_required
@require_POST
def calendar_feed_create(request: AuthenticatedRequest) -> HttpResponse:
    """Create (or replace) the feed, then show its address once on the feed page.

    Polku keeps only the token's hash, so the address travels to that page in a short-lived
    signed cookie of the user's own browser, read and deleted there: a reload shows it no
    more, and does not post again and replace the address the user just copied.
    """
    _feed, token = feed_create(user=request.user)
    response = redirect("calendar-feed")
    response.set_signed_cookie(
        NEW_FEED_COOKIE,
        token,
        salt=NEW_FEED_COOKIE,
        max_age=NEW_FEED_SECONDS,
        path=reverse("calendar-feed"),
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )
    return response


@login_required
@require_POST
def calendar_feed_revoke(request: AuthenticatedRequest) -> HttpResponse:
    if feed_revoke(user=request.user):
        messages.success(request, _("The calendar feed was revoked. Its address no longer works."))
    return redirect("calendar-feed")


@require_safe
@never_cache
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed, with no login: the secret token in the URL is the key."""
    now = timezone.now()
    feed = feed_for_token(token=token, now=now)
    if feed is None:
        raise Http404
    body = feed_calendar(feed=feed, base_url=request.build_absolute_uri("/")[:-1], now=now)
    response = HttpResponse(body, content_type=content_type(None))
    response["Content-Disposition"] = 'inline; filename="polku.ics"'
    # The URL is a secret: keep it out of the Referer of any link a calendar shows.
    response["Referrer-Policy"] = "no-referrer"
    return response
