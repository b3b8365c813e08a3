"""The worklist: what waits for the signed-in person's acting agency, most urgent first.

Six sections, each read in ONE statement whatever the data size: at most SECTION_SIZE
items, the overdue first and then by due date, with the section's total and overdue
counts from the same statement (window counts over the rows before the LIMIT, or scalar
counts beside them), and what the agency may see of each listed client: the name where
it may see the identity, a release path's dates where it may see the release. Those are
subqueries in the select list, which PostgreSQL runs after the LIMIT, for the rows shown
only. The navigation's figures are one more statement (worklist_counts), built from the
same conditions, kept in the cache for COUNTS_CACHE_SECONDS.

What each section lists, for the acting agency:

- Referrals to open or accept: received, sent but not opened (due in 3 Finnish business
  days from sending) or opened but not accepted (in 5), as the reminders count them
  (referrals.reminders). A due date is the last day of those business days; the item is
  overdue the day after.
- Stages whose window is open: not done or skipped, of an active path, answered for by
  the agency, whose window has opened (anchor + window start <= today). Due is the day
  the window closes. The anchor stage itself (the release) is an event, not a task, and
  Kela's guidance path has its own section. On a release path the windows give away the
  release date: where the agency may not see the release, the item says whether it is
  open or overdue but not the date.
- Kela's one-month deadlines: active guidance paths without an outcome, for Kela, which
  started them, and for the agency that answers for a stage (the registration): due
  KELA_DEADLINE_DAYS after Kela's instruction, as the path's registration stage counts.
- Employment plans due: for the employment area that leads the plan (see _leads), the
  first plan 90 days after it was started (Act 381/2023 §4) or a review 90 days after
  the last full sign-off (§6), from DUE_SOON_DAYS before; active paths only.
- Outcome follow-ups: the next follow-up not yet recorded (3, 6 or 12 months after the
  release) of a release path with an outcome, for the agency that recorded an outcome
  and the employment area that leads the plan (the reminders go to both), from its due
  date (it cannot be recorded before). It counts from the release date, which it would
  give away like a stage window.
- Meetings this week: scheduled network meetings from the start of today to the end of
  Sunday that the person organises for the agency, or to which the agency is invited
  (without a named person, or with this person). A meeting is never overdue.

Only the clients the agency may see at all are listed (its own, or an object permission
with an active grant, as referrals.selectors.client_access decides): a case whose client
the agency no longer sees would only lead to a 404.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, User
from agencies.selectors import agency_served_municipalities
from core.business_days import business_days_after
from meetings.calendar.selectors import local_midnight
from meetings.models import EventStatus, Invitee, Meeting
from pathways.cases.services import RISE_KINDS
from pathways.models import AnchorKind, Case, CaseStage, CaseStatus, PathwayTemplate, StageStatus
from plans.models import EmploymentPlan, FollowUp, Outcome
from plans.selectors import PLAN_DUE_DAYS, REVIEW_DAYS
from referrals.models import (
    AccessGrant,
    Client,
    ClientGroupObjectPermission,
    DataCategory,
    Referral,
    ReferralStatus,
)
from referrals.reminders import NOT_ACCEPTED_DAYS, NOT_OPENED_DAYS
from referrals.selectors import VIEW_CLIENT, active_grants_q
from worklist.sql import AddDays, AddMonths

SECTION_SIZE = 10
# Plan reviews appear this many days before they are due.
DUE_SOON_DAYS = 14
# Kela's "within one month of the instruction", as the guidance path's registration
# stage counts it (pathways/data/kela-guidance.yaml: window [0, 30]).
KELA_DEADLINE_DAYS = 30
# The navigation's counts are kept this long; the worklist page refreshes them.
COUNTS_CACHE_SECONDS = 120

AWAITING = (ReferralStatus.SENT, ReferralStatus.OPENED)
BUSINESS_DAYS: dict[str, int] = {
    ReferralStatus.SENT: NOT_OPENED_DAYS,
    ReferralStatus.OPENED: NOT_ACCEPTED_DAYS,
}
OPEN_STAGE = (StageStatus.NOT_STARTED, StageStatus.IN_PROGRESS)

REFERRALS, STAGES, KELA, PLANS, FOLLOW_UPS, MEETINGS = (
    "referrals",
    "stages",
    "kela",
    "plans",
    "follow-ups",
    "meetings",
)
TITLES = {
    REFERRALS: _("Referrals to open or accept"),
    STAGES: _("Stages with an open window"),
    KELA: _("Kela's one-month deadlines"),
    PLANS: _("Employment plans and reviews due"),
    FOLLOW_UPS: _("Outcome follow-ups due"),
    MEETINGS: _("Meetings this week"),
}


@dataclass(frozen=True)
class Item:
    """One thing to do. `client` is the client's name, or "" where the agency may not see
    the identity; `due` is None where it would give away an undisclosed release date."""

    url: str
    label: str
    due: date | None
    overdue: bool
    reference: str = ""
    detail: str = ""
    client_id: int | None = None
    client: str = ""
    release_dated: bool = False  # the due date counts from the release date
    starts_at: datetime | None = None

    @property
    def subject(self) -> str:
        """What a link's name adds, so that the links of a list read differently."""
        return self.reference or self.client or self.detail


@dataclass(frozen=True)
class Section:
    key: str
    items: list[Item]
    total: int
    overdue: int
    more: list[tuple[str, str]] = field(default_factory=list)  # (link text, url)

    @property
    def title(self) -> str:
        return str(TITLES[self.key])

    @property
    def has_more(self) -> bool:
        return self.total > len(self.items)

    @property
    def shows_clients(self) -> bool:
        return self.key != MEETINGS


@dataclass(frozen=True)
class WorklistCounts:
    total: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class Worklist:
    sections: list[Section]

    @property
    def counts(self) -> WorklistCounts:
        return WorklistCounts(
            total=sum(s.total for s in self.sections),
            overdue=sum(s.overdue for s in self.sections),
        )

    def clients_shown(self) -> list[tuple[int, list[str]]]:
        """The clients of whom the page shows data, with the categories shown of each:
        what the use log records (Act 703/2023 §10). A date counted from the release is
        release data even where the name is withheld."""
        shown: dict[int, set[str]] = {}
        for section in self.sections:
            for item in section.items:
                if item.client_id is None:
                    continue
                codes: set[str] = set()
                if item.client:
                    codes.add(DataCategory.IDENTITY)
                if item.release_dated and item.due is not None:
                    codes.add(DataCategory.RELEASE)
                if codes:
                    shown.setdefault(item.client_id, set()).update(codes)
        return [(client_id, sorted(codes)) for client_id, codes in shown.items()]


# Conditions ----------------------------------------------------------------------------


def _localized(row: dict[str, Any], prefix: str) -> str:
    language = (get_language() or "fi")[:2]
    return str(row.get(f"{prefix}_{language}") or row[f"{prefix}_fi"])


def _count(queryset: QuerySet[Any]) -> Subquery:
    """COUNT(*) of the queryset, as a scalar subquery."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _window_counts(overdue: Q) -> dict[str, Window]:
    """The section's total and overdue rows, counted over all rows before the LIMIT."""
    return {
        "total": Window(Count("pk")),
        "overdue_n": Window(
            Sum(
                SqlCase(When(overdue, then=Value(1)), default=Value(0)), output_field=IntegerField()
            )
        ),
    }


def _sees_client_q(agency: Agency, client: str) -> Q:
    """May the agency see the client under `client` at all (its own client, or the object
    permission with an active grant), so that its page opens?

    The same condition in two shapes, for the planner. Rise records the clients
    (pathways.cases.services.release_case_start is the only way one is recorded) and finds most
    of its own among them, each a look at the client's row. Any other agency records
    none: the clients it holds the object permission for are one set, read once from its
    permission rows, and only the rows found are looked up for an active grant (a
    consent's grant may have lapsed while the permission stays)."""
    grant = AccessGrant.objects.filter(active_grants_q(), agency=agency, client_id=OuterRef(client))
    permitted = ClientGroupObjectPermission.objects.filter(
        group_id=agency.group_id, permission__codename=VIEW_CLIENT
    ).values("content_object_id")
    if agency.kind in RISE_KINDS:
        return Q(**{f"{client}__recorded_by": agency}) | (
            Q(**{f"{client}__in": permitted}) & Q(Exists(grant))
        )
    own = Client.objects.filter(recorded_by=agency).order_by().values("pk")
    return Q(**{f"{client}__in": own.union(permitted.order_by())}) & (
        Q(**{f"{client}__in": own}) | Q(Exists(grant))
    )


def _release_visible_q(agency: Agency, client: str) -> Q:
    """May the agency see the release of the client under `client` (its own client, or
    an active grant of the category)? A release path's stage windows and follow-ups count
    from the release date: an item that appears on the day a window opens, or sorts and
    flags by it, would give the date away, so such items are listed only where it may be
    seen (the case list shows the rest without dates)."""
    through: Any = AccessGrant.categories.through
    granted = through.objects.filter(
        active_grants_q(prefix="accessgrant__"),
        accessgrant__agency=agency,
        accessgrant__client_id=OuterRef(client),
        datacategory__code=DataCategory.RELEASE,
    )
    return Q(**{f"{client}__recorded_by": agency}) | Q(Exists(granted))


def _leads(agency: Agency) -> bool:
    """Does the agency lead plans? The plan's lead is the employment area that answers for
    the case's employment stages (plans.selectors.case_lead_agency_ids); the services give
    all of a case's stages of one kind the same agency (pathways.cases.services.
    case_stages_create), so an employment area leads the plans of every case it answers
    for a stage of."""
    return agency.kind == AgencyKind.EMPLOYMENT_AREA


def _answered_by(agency: Agency) -> QuerySet[CaseStage, Any]:
    """The ids of the cases with a stage the agency answers for, through the stages'
    agency index."""
    return CaseStage.objects.filter(responsible_agency=agency).order_by().values("case_id")


@dataclass(frozen=True)
class _Source:
    """A section's rows before ordering and limiting, and which of them are overdue."""

    agency: Agency
    rows: QuerySet[Any]
    overdue: Q


def _sent_since(today: date, status: str) -> datetime:
    """The start of the first sending day whose deadline has not passed: referrals of
    `status` sent before it are overdue."""
    days = BUSINESS_DAYS[status]
    day = today
    while business_days_after(day - timedelta(days=1), days) >= today:
        day -= timedelta(days=1)
    return local_midnight(day)


def _referrals(agency: Agency, today: date) -> _Source:
    late = Q()
    for status in AWAITING:
        late |= Q(status=status, sent_at__lt=_sent_since(today, status))
    return _Source(
        agency,
        Referral.objects.filter(recipient_agency=agency, status__in=AWAITING),
        late,
    )


def _stages(agency: Agency, today: date) -> _Source:
    return _Source(
        agency,
        CaseStage.objects.filter(
            responsible_agency=agency,
            status__in=OPEN_STAGE,
            case__status=CaseStatus.ACTIVE,
            stage__is_anchor=False,
        )
        .exclude(case__template__code=PathwayTemplate.KELA_GUIDANCE)
        .filter(
            ~Q(case__template__anchor=AnchorKind.RELEASE_DATE)
            | _release_visible_q(agency, "case__client")
        )
        .alias(opens=AddDays(F("case__anchor_date"), F("stage__window_start")))
        .filter(opens__lte=today)
        .filter(_sees_client_q(agency, "case__client"))
        .annotate(due=AddDays(F("case__anchor_date"), F("stage__window_end"))),
        Q(due__lt=today),
    )


def _kela(agency: Agency, today: date) -> _Source:
    return _Source(
        agency,
        Case.objects.filter(
            pk__in=_answered_by(agency).filter(stage__template__code=PathwayTemplate.KELA_GUIDANCE),
            template__code=PathwayTemplate.KELA_GUIDANCE,
            status=CaseStatus.ACTIVE,
            outcome="",
        ).filter(_sees_client_q(agency, "client")),
        Q(anchor_date__lt=today - timedelta(days=KELA_DEADLINE_DAYS)),
    )


def _plans(agency: Agency, today: date) -> _Source:
    # The §4 deadline and the §6 review interval are both 90 days from the date counted.
    assert PLAN_DUE_DAYS == REVIEW_DAYS  # noqa: S101
    days = timedelta(days=REVIEW_DAYS)
    return _Source(
        agency,
        EmploymentPlan.objects.filter(case__in=_answered_by(agency), case__status=CaseStatus.ACTIVE)
        .annotate(since=Coalesce("reviewed_on", "started_on"))
        .filter(since__lte=today + timedelta(days=DUE_SOON_DAYS) - days)
        .filter(_sees_client_q(agency, "case__client")),
        Q(since__lt=today - days),
    )


def _follow_ups(agency: Agency, today: date) -> _Source:
    """The agency follows up the outcomes it recorded, and the employment area those of
    the plans it leads (as the reminders go to both)."""

    def missing(months: int) -> Q:
        return ~Q(Exists(FollowUp.objects.filter(case_id=OuterRef("pk"), months=months)))

    cases = Outcome.objects.filter(recorded_agency=agency).order_by().values("case_id")
    if _leads(agency):
        cases = cases.union(_answered_by(agency))
    return _Source(
        agency,
        Case.objects.filter(pk__in=cases, template__anchor=AnchorKind.RELEASE_DATE)
        .filter(Exists(Outcome.objects.filter(case_id=OuterRef("pk"))))
        .filter(_sees_client_q(agency, "client"))
        .filter(_release_visible_q(agency, "client"))
        .annotate(
            next_months=SqlCase(
                *(When(missing(months), then=Value(months)) for months in FollowUp.MONTHS),
                default=Value(None),
                output_field=IntegerField(),
            )
        )
        .filter(next_months__isnull=False)
        .annotate(due=AddMonths(F("anchor_date"), F("next_months")))
        .filter(due__lte=today),
        Q(due__lt=today),
    )


def _week_end(today: date) -> datetime:
    """The end of this week's Sunday, in Helsinki."""
    return local_midnight(today + timedelta(days=7 - today.weekday()))


def _meetings(user: User, agency: Agency, today: date) -> _Source:
    invited = Invitee.objects.filter(meeting=OuterRef("pk"), agency=agency).filter(
        Q(person=user) | Q(person__isnull=True)
    )
    return _Source(
        agency,
        Meeting.objects.filter(
            starts_at__gte=local_midnight(today),
            starts_at__lt=_week_end(today),
            status=EventStatus.SCHEDULED,
        ).filter(Q(organiser=user, organiser_agency=agency) | Q(Exists(invited))),
        # A meeting is never overdue.
        Q(pk__isnull=True),
    )


# Sections ------------------------------------------------------------------------------


def _shown_columns(agency: Agency, client: str, *, release: bool = False) -> dict[str, Any]:
    """What the agency may see of the row's client (under `client`): the name where it may
    see the identity, and (`release`) whether it may see the release, as referrals.
    selectors.client_access decides: its own client, or an active grant of the category
    (the rows come with the object permission: their section filters by it, and a
    referral's recipient holds it). The name leaves the database only where it may be
    shown.

    Scalar subqueries, each by the client's primary key: they are not needed to sort, so
    PostgreSQL runs them after the LIMIT, for the rows shown only, and a scalar subquery
    is never turned into a hash of all the agency's clients."""
    # Any: django-stubs does not know the auto-created through model's fields.
    through: Any = AccessGrant.categories.through

    def shown(code: str) -> QuerySet[Client]:
        granted = through.objects.filter(
            active_grants_q(prefix="accessgrant__"),
            accessgrant__agency=agency,
            accessgrant__client_id=OuterRef("pk"),
            datacategory__code=code,
        )
        return Client.objects.filter(
            Q(recorded_by=agency) | Q(Exists(granted)), pk=OuterRef(client)
        ).order_by()

    columns: dict[str, Any] = {
        "shown_name": Subquery(
            shown(DataCategory.IDENTITY)
            .annotate(name=Concat("last_name", Value(", "), "first_name", output_field=CharField()))
            .values("name"),
            output_field=CharField(),
        )
    }
    if release:
        columns["shown_release"] = Subquery(
            shown(DataCategory.RELEASE).values("pk"), output_field=IntegerField()
        )
    return columns


def _disclosed(item: Item, row: dict[str, Any]) -> Item:
    """The item with the client's name where it may be shown, and without a due date
    that would give away a release date the agency may not see."""
    hide_due = item.release_dated and not row.get("shown_release")
    return replace(item, client=row["shown_name"] or "", due=None if hide_due else item.due)


def _referral_section(agency: Agency, today: date) -> Section:
    """The first SECTION_SIZE of each status by sending time, which is their order by
    due date within the status; merged here by due date, the first SECTION_SIZE of
    both are the section's. The index on (recipient agency, status, sent) reads each
    status's first ones directly."""
    source = _referrals(agency, today)
    # Each status's first ones as a set of their own, so that SQLite takes the LIMITs
    # inside a UNION too; the rows are then read by their ids.
    firsts = [
        Referral.objects.filter(
            pk__in=source.rows.filter(status=status)
            .order_by("sent_at", "pk")
            .values("pk")[:SECTION_SIZE]
        )
        .order_by()
        .values("pk")
        for status in AWAITING
    ]
    rows = list(
        Referral.objects.filter(pk__in=firsts[0].union(*firsts[1:]))
        .order_by()
        .annotate(
            total=_count(source.rows),
            overdue_n=_count(source.rows.filter(source.overdue)),
            reference=F("release__case__reference"),
        )
        .annotate(**_shown_columns(agency, "client_id"))
        .values(
            "public_id",
            "status",
            "sent_at",
            "client_id",
            "reference",
            "sender_agency__name_fi",
            "sender_agency__name_sv",
            "sender_agency__name_en",
            "total",
            "overdue_n",
            "shown_name",
        )
    )
    labels = {
        ReferralStatus.SENT: gettext("Open the referral"),
        ReferralStatus.OPENED: gettext("Accept or return the referral"),
    }
    items = []
    for row in rows:
        due = business_days_after(timezone.localdate(row["sent_at"]), BUSINESS_DAYS[row["status"]])
        item = Item(
            url=reverse("referral-detail", args=[row["public_id"]]),
            label=labels[row["status"]],
            due=due,
            overdue=due < today,
            reference=row["reference"] or "",
            detail=_localized(row, "sender_agency__name"),
            client_id=row["client_id"],
        )
        items.append(((due, row["sent_at"]), _disclosed(item, row)))
    items.sort(key=lambda pair: pair[0])
    inbox = reverse("inbox")
    return Section(
        key=REFERRALS,
        items=[item for _key, item in items[:SECTION_SIZE]],
        total=rows[0]["total"] if rows else 0,
        overdue=(rows[0]["overdue_n"] or 0) if rows else 0,
        more=[
            (
                gettext("All unopened referrals"),
                f"{inbox}?{urlencode({'status': ReferralStatus.SENT, 'order': 'sent'})}",
            ),
            (
                gettext("All opened referrals not yet accepted"),
                f"{inbox}?{urlencode({'status': ReferralStatus.OPENED, 'order': 'sent'})}",
            ),
        ],
    )


def _first(
    source: _Source,
    order: Iterable[str],
    *columns: str,
    client: str | None = None,
    release: bool = False,
) -> list[dict[str, Any]]:
    """The first SECTION_SIZE rows with the section's counts (and what may be shown of
    their clients), in one statement."""
    rows = source.rows.annotate(**_window_counts(source.overdue))
    if client is not None:
        shown = _shown_columns(source.agency, client, release=release)
        rows = rows.annotate(**shown)
        columns = (*columns, *shown)
    return list(rows.order_by(*order).values(*columns, "total", "overdue_n")[:SECTION_SIZE])


def _section(key: str, rows: list[dict[str, Any]], items: list[Item], **more: Any) -> Section:
    return Section(
        key=key,
        items=items,
        total=rows[0]["total"] if rows else 0,
        overdue=(rows[0]["overdue_n"] or 0) if rows else 0,
        **more,
    )


def _stage_section(agency: Agency, today: date) -> Section:
    rows = _first(
        _stages(agency, today),
        ("due", "pk"),
        "due",
        "case__public_id",
        "case__reference",
        "case__client_id",
        "case__template__anchor",
        "stage__name_fi",
        "stage__name_sv",
        "stage__name_en",
        client="case__client_id",
        release=True,
    )
    items = [
        _disclosed(
            Item(
                url=reverse("case-detail", args=[row["case__public_id"]]),
                label=_localized(row, "stage__name"),
                due=row["due"],
                overdue=row["due"] < today,
                reference=row["case__reference"],
                client_id=row["case__client_id"],
                release_dated=row["case__template__anchor"] == AnchorKind.RELEASE_DATE,
            ),
            row,
        )
        for row in rows
    ]
    return _section(
        STAGES, rows, items, more=[(gettext("The paths of my agency"), reverse("case-list"))]
    )


def _kela_section(agency: Agency, today: date) -> Section:
    rows = _first(
        _kela(agency, today),
        ("anchor_date", "pk"),
        "public_id",
        "reference",
        "client_id",
        "anchor_date",
        client="client_id",
    )
    items = []
    for row in rows:
        due = row["anchor_date"] + timedelta(days=KELA_DEADLINE_DAYS)
        item = Item(
            url=reverse("case-detail", args=[row["public_id"]]),
            label=gettext("Registration and primary benefits: one month ends"),
            due=due,
            overdue=due < today,
            reference=row["reference"],
            client_id=row["client_id"],
        )
        items.append(_disclosed(item, row))
    return _section(KELA, rows, items)


def _plan_section(agency: Agency, today: date) -> Section:
    if not _leads(agency):
        return Section(key=PLANS, items=[], total=0, overdue=0)
    rows = _first(
        _plans(agency, today),
        ("since", "pk"),
        "since",
        "reviewed_on",
        "case__public_id",
        "case__reference",
        "case__client_id",
        client="case__client_id",
    )
    items = []
    for row in rows:
        due = row["since"] + timedelta(days=REVIEW_DAYS)
        item = Item(
            url=reverse("case-plan", args=[row["case__public_id"]]),
            label=gettext("Agree on the first plan")
            if row["reviewed_on"] is None
            else gettext("Review the plan"),
            due=due,
            overdue=due < today,
            reference=row["case__reference"],
            client_id=row["case__client_id"],
        )
        items.append(_disclosed(item, row))
    return _section(PLANS, rows, items)


def _follow_up_section(agency: Agency, today: date) -> Section:
    rows = _first(
        _follow_ups(agency, today),
        ("due", "pk"),
        "due",
        "next_months",
        "public_id",
        "reference",
        "client_id",
        client="client_id",
        release=True,
    )
    items = [
        _disclosed(
            Item(
                url=f"{reverse('case-plan', args=[row['public_id']])}#outcomes",
                label=gettext("Follow-up %(months)s months after release")
                % {"months": row["next_months"]},
                due=row["due"],
                overdue=row["due"] < today,
                reference=row["reference"],
                client_id=row["client_id"],
                release_dated=True,
            ),
            row,
        )
        for row in rows
    ]
    return _section(FOLLOW_UPS, rows, items)


def _meeting_section(user: User, agency: Agency, today: date) -> Section:
    rows = _first(
        _meetings(user, agency, today),
        ("starts_at", "pk"),
        "public_id",
        "title",
        "starts_at",
        "place",
        "case__reference",
    )
    items = [
        Item(
            url=reverse("meeting-detail", args=[row["public_id"]]),
            label=row["title"],
            due=timezone.localdate(row["starts_at"]),
            overdue=False,
            reference=row["case__reference"],
            detail=row["place"],
            starts_at=row["starts_at"],
        )
        for row in rows
    ]
    return _section(MEETINGS, rows, items, more=[(gettext("My meetings"), reverse("calendar"))])


def worklist_for(*, user: User, agency: Agency, today: date) -> Worklist:
    """The acting agency's worklist for `user`: six statements, however much waits."""
    return Worklist(
        sections=[
            _referral_section(agency, today),
            _stage_section(agency, today),
            _kela_section(agency, today),
            _plan_section(agency, today),
            _follow_up_section(agency, today),
            _meeting_section(user, agency, today),
        ]
    )


@dataclass(frozen=True)
class AgencyFacts:
    """What the front page tells of the acting agency besides the worklist."""

    served_count: int
    # (topic, substitute's name or "") of the topics the person is the named contact for
    contact_roles: list[tuple[str, str]]


def agency_facts(*, user: User, agency: Agency) -> AgencyFacts:
    """The municipalities the agency serves and the person's contact-person topics in it,
    in one statement: the agency's row, joined to the person's contact entries only."""
    served = agency_served_municipalities(agency=agency)
    rows = list(
        Agency.objects.filter(pk=agency.pk)
        .annotate(
            mine=FilteredRelation("contact_persons", condition=Q(contact_persons__person=user)),
            served_count=_count(served),
        )
        .order_by("mine__topic__ordering", "mine__topic__name_fi")
        .values(
            "served_count",
            "mine__topic__name_fi",
            "mine__topic__name_sv",
            "mine__topic__name_en",
            "mine__substitute__first_name",
            "mine__substitute__last_name",
            "mine__substitute__username",
        )
    )
    roles = []
    for row in rows:
        if row["mine__topic__name_fi"] is None:
            continue
        substitute = " ".join(
            part
            for part in (row["mine__substitute__first_name"], row["mine__substitute__last_name"])
            if part
        ) or (row["mine__substitute__username"] or "")
        roles.append((_localized(row, "mine__topic__name"), substitute))
    return AgencyFacts(served_count=rows[0]["served_count"] if rows else 0, contact_roles=roles)


# The navigation's counts ---------------------------------------------------------------


def worklist_counts(*, user: User, agency: Agency, today: date) -> WorklistCounts:
    """The worklist's total and overdue items, as the page counts them, in one statement:
    one row of counts per section."""
    sources = [
        _referrals(agency, today),
        _stages(agency, today),
        _kela(agency, today),
        _follow_ups(agency, today),
        _meetings(user, agency, today),
    ]
    if _leads(agency):
        sources.append(_plans(agency, today))
    counted = [
        source.rows.order_by()
        .values(section=Value(index))
        .annotate(total=Count("pk"), overdue_n=Count("pk", filter=source.overdue))
        .values_list("total", "overdue_n")
        for index, source in enumerate(sources)
    ]
    rows = list(counted[0].union(*counted[1:], all=True))
    return WorklistCounts(
        total=sum(int(total or 0) for total, _overdue in rows),
        overdue=sum(int(overdue or 0) for _total, overdue in rows),
    )


def _counts_key(user: User, agency: Agency, today: date) -> str:
    return f"polku:worklist-counts:{user.pk}:{agency.pk}:{today.isoformat()}"


def worklist_counts_remember(
    *, user: User, agency: Agency, today: date, counts: WorklistCounts
) -> None:
    cache.set(_counts_key(user, agency, today), counts, COUNTS_CACHE_SECONDS)


def worklist_counts_cached(*, user: User, agency: Agency, today: date) -> WorklistCounts:
    """The counts the worklist page or an earlier page left, else counted now (one
    statement) and kept for COUNTS_CACHE_SECONDS."""
    counts: WorklistCounts | None = cache.get(_counts_key(user, agency, today))
    if counts is None:
        counts = worklist_counts(user=user, agency=agency, today=today)
        worklist_counts_remember(user=user, agency=agency, today=today, counts=counts)
    return counts
