from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from agencies.models import Agency, Membership, Role
from agencies.selectors import serves_q
from pathways.models import (
    Case,
    CaseChange,
    CaseEvent,
    CaseStage,
    ChecklistItem,
    ChecklistTick,
    PathwayTemplate,
    StageStatus,
    StageTemplate,
)
from referrals.events import PathEvent
from referrals.selectors import ClientAccess, client_access

YOUTH_AGE_LIMIT = 30
# Statuses that settle a stage: its window closing is then no longer a problem.
SETTLED = frozenset({StageStatus.DONE, StageStatus.SKIPPED})


@dataclass(frozen=True)
class ChecklistLine:
    item: ChecklistItem
    tick: ChecklistTick | None


@dataclass(frozen=True)
class StageWindow:
    stage: StageTemplate
    opens: date
    closes: date
    state: str  # "upcoming", "open" or "past"
    case_stage: CaseStage | None = None

    @property
    def overdue(self) -> bool:
        """The window has closed and the stage is neither done nor skipped."""
        return (
            self.state == "past"
            and self.case_stage is not None
            and self.case_stage.status not in SETTLED
        )


def template_latest(*, code: str) -> PathwayTemplate:
    """The newest published version: new cases never start on a draft."""
    return PathwayTemplate.objects.filter(code=code, published_at__isnull=False).latest("version")


def age_on(*, birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def release_template_for(*, birth_date: date, release_date: date) -> PathwayTemplate:
    """Under 30 on the release date: the youth variant; otherwise the adult path."""
    young = age_on(birth_date=birth_date, day=release_date) < YOUTH_AGE_LIMIT
    return template_latest(
        code=PathwayTemplate.YOUTH_RELEASE if young else PathwayTemplate.ADULT_RELEASE
    )


def case_stage_list(*, case: Case) -> list[CaseStage]:
    """The case's stages with their template stage, checklist and ticks, in a fixed number
    of queries however many stages and ticks there are."""
    return list(
        CaseStage.objects.filter(case=case)
        .select_related("stage", "responsible_agency", "responsible_person")
        .prefetch_related(
            Prefetch("stage__checklist", queryset=ChecklistItem.objects.order_by("order")),
            Prefetch("ticks", queryset=ChecklistTick.objects.select_related("ticked_by")),
        )
        .order_by("stage__order")
    )


def case_stage_checklist(*, case_stage: CaseStage) -> list[ChecklistLine]:
    """The stage's checklist with its ticks, from what case_stage_list prefetched."""
    ticks = {tick.item_id: tick for tick in case_stage.ticks.all()}
    return [
        ChecklistLine(item=item, tick=ticks.get(item.pk))
        for item in case_stage.stage.checklist.all()
    ]


def case_stage_windows(
    *, case: Case, today: date, stages: list[CaseStage] | None = None
) -> list[StageWindow]:
    """Each case stage's window, counted in calendar days from the case's anchor date.

    Dates, not datetimes: a window edge on a daylight-saving change day is still that
    local day. `today` is the local date (referrals.services.today()).
    """
    anchor = case.anchor_date
    windows = []
    for case_stage in case_stage_list(case=case) if stages is None else stages:
        stage = case_stage.stage
        opens = anchor + timedelta(days=stage.window_start)
        closes = anchor + timedelta(days=stage.window_end)
        state = "upcoming" if today < opens else "past" if today > closes else "open"
        windows.append(
            StageWindow(stage=stage, opens=opens, closes=closes, state=state, case_stage=case_stage)
        )
    return windows


@dataclass(frozen=True)
class TimelineBar:
    window: StageWindow
    # CSS lengths as strings, so that no locale turns the decimal point into a comma.
    start: str
    width: str


@dataclass(frozen=True)
class TimelineMark:
    day: date
    at: str


@dataclass(frozen=True)
class Timeline:
    first: date
    last: date
    bars: list[TimelineBar]
    today: TimelineMark
    anchor: TimelineMark
    months: list[TimelineMark]
    overdue: int


TIMELINE_MARGIN_DAYS = 14
TIMELINE_MAX_MONTH_LABELS = 7


def _percent(value: float) -> str:
    return f"{max(0.0, min(100.0, value * 100)):.3f}%"


def case_timeline(*, windows: list[StageWindow], anchor: date, today: date) -> Timeline | None:
    """The stages on one time axis around the anchor, with today and the anchor marked.

    A day is a slot on the axis: a window from its opening day to the end of its closing
    day, the markers in the middle of their day.
    """
    if not windows:
        return None
    margin = timedelta(days=TIMELINE_MARGIN_DAYS)
    first = min([*(w.opens for w in windows), anchor, today]) - margin
    last = max([*(w.closes for w in windows), anchor, today]) + margin
    days = (last - first).days + 1

    def at(day: date, offset: float = 0.0) -> float:
        return ((day - first).days + offset) / days

    bars = [
        TimelineBar(
            window=window,
            start=_percent(at(window.opens)),
            width=_percent(((window.closes - window.opens).days + 1) / days),
        )
        for window in windows
    ]
    month_starts = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            month_starts.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    step = -(-len(month_starts) // TIMELINE_MAX_MONTH_LABELS) or 1
    return Timeline(
        first=first,
        last=last,
        bars=bars,
        today=TimelineMark(day=today, at=_percent(at(today, 0.5))),
        anchor=TimelineMark(day=anchor, at=_percent(at(anchor, 0.5))),
        months=[TimelineMark(day=m, at=_percent(at(m))) for m in month_starts[::step]],
        overdue=sum(1 for window in windows if window.overdue),
    )


@dataclass(frozen=True)
class TimelineLine:
    """One line of the case's timeline, in words: who or what moved it, and what moved."""

    at: datetime
    cause: str  # "Polku: referral accepted (Tiina Toivonen)", or the person's name
    automatic: bool
    what: str  # "Job seeking starts: started", "Referral sent ✓"


TIMELINE_LINES = 50


def _timeline_what(event: CaseEvent) -> str:
    if event.change == CaseChange.NOTED:
        return ""
    change = CaseChange(event.change).label
    stage = event.stage.name if event.stage else ""
    if event.item is not None:
        return _("%(stage)s: “%(item)s” %(change)s") % {
            "stage": stage,
            "item": event.item.name,
            "change": change,
        }
    return _("%(stage)s: %(change)s") % {"stage": stage, "change": change}


def case_timeline_lines(
    *, case: Case, release_shown: bool = True, limit: int = TIMELINE_LINES
) -> list[TimelineLine]:
    """The newest lines of the case's timeline, in one query. Without `release_shown` the
    lines of the release (its recording, the anchor stage's moves) are left out: their
    time would give away the release date."""
    lines = []
    events = CaseEvent.objects.filter(case=case)
    if not release_shown:
        events = events.exclude(cause=PathEvent.RELEASE_RECORDED).exclude(stage__is_anchor=True)
    events = events.select_related("stage", "item")[:limit]
    for event in events:
        if event.cause:
            label = PathEvent(event.cause).label
            cause = (
                _("Polku: %(event)s (%(person)s)") % {"event": label, "person": event.actor_name}
                if event.actor_name
                else _("Polku: %(event)s") % {"event": label}
            )
        else:
            cause = event.actor_name or "–"
        lines.append(
            TimelineLine(
                at=event.at, cause=cause, automatic=bool(event.cause), what=_timeline_what(event)
            )
        )
    return lines


def responsible_agencies(*, case: Case, kinds: set[str]) -> dict[str, Agency]:
    """Agency kind -> the agency that answers for the case's stages of that kind."""
    found: dict[str, Agency] = {}
    if case.started_by.kind in kinds:
        found[case.started_by.kind] = case.started_by
    release = case.release
    if release is not None and release.rise_unit.kind in kinds:
        found.setdefault(release.rise_unit.kind, release.rise_unit)
    municipality = release.municipality_after if release else case.client.home_municipality
    missing = kinds - found.keys()
    if missing:
        serving = Agency.objects.filter(
            serves_q(municipality=municipality), kind__in=missing, is_active=True
        ).order_by("pk")
        for agency in serving:
            found.setdefault(agency.kind, agency)
    return found


def case_for_agency(*, agency: Agency | None, public_id: UUID) -> tuple[Case, ClientAccess]:
    """The one access helper for a case: it follows access to the case's client."""
    if agency is None:
        raise Http404
    case = get_object_or_404(
        Case.objects.select_related(
            "client__home_municipality",
            "client__recorded_by",
            "template",
            "release__rise_unit",
            "release__municipality_after",
            "started_by",
        ),
        public_id=public_id,
    )
    access = client_access(agency=agency, client=case.client)
    if access is None:
        raise Http404
    return case, access


def case_stage_is_responsible(*, case_stage: CaseStage, agency: Agency) -> bool:
    return case_stage.responsible_agency_id is not None and (
        case_stage.responsible_agency_id == agency.pk
    )


def case_stage_for_agency(
    *, agency: Agency | None, public_id: UUID, stage_pk: int
) -> tuple[CaseStage, ClientAccess]:
    """The one access helper for acting on a case stage: a case the agency cannot see, or a
    stage not of that case, is a 404 (as on the case page); a stage the agency does not
    answer for is a 403."""
    case, access = case_for_agency(agency=agency, public_id=public_id)
    case_stage = get_object_or_404(
        CaseStage.objects.select_related("stage", "responsible_agency"), case=case, pk=stage_pk
    )
    case_stage.case = case
    if not case_stage_is_responsible(case_stage=case_stage, agency=access.agency):
        raise PermissionDenied
    return case_stage, access


def case_may_close(*, case: Case, membership: Membership | None) -> bool:
    """The agency that started the path, or a coordinator of an agency that answers for
    one of its stages, closes and reopens it."""
    if membership is None:
        return False
    if membership.agency_id == case.started_by_id:
        return True
    return (
        membership.role == Role.COORDINATOR
        and case.stages.filter(responsible_agency_id=membership.agency_id).exists()
    )
