"""The case list: every active path the acting agency answers for, with its filters.

A Rise unit lists the releases it logged. Any other client-work agency (a coordinator in
particular) lists the active paths with at least one stage its agency answers for. The
list is scoped in SQL through indexed joins (the cases' (started_by, status) index, the
case stages' responsible-agency index); the rows of one page then get what may be shown
of them in a fixed number of queries, however many rows there are.

What each row shows follows the agency's access to the client, as on the case page: the
name where it may see the identity, the release date and the stage windows (and so the
overdue flag) where it may see the release, a link where it may open the case at all.
The current stage is the rule of pathways.cases.links: the first stage in progress, else
the first not started.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case as SqlCase
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.fields import DateField
from django.utils.translation import get_language

from agencies.models import Agency
from pathways.cases.links import case_current_stage
from pathways.cases.selectors import SETTLED
from pathways.cases.services import RISE_KINDS
from pathways.models import Case, CaseStage, CaseStatus, StageStatus, StageTemplate
from referrals.models import DataCategory
from referrals.selectors import category_visible_q, visible_categories_by_client


@dataclass(frozen=True)
class CaseListFilters:
    stage: str = ""  # a stage's Finnish name: the cases whose current stage it is
    released_from: date | None = None
    released_until: date | None = None
    overdue: bool = False  # only cases with an overdue stage of the agency's


def _visible_q(agency: Agency, code: str) -> Q:
    """May the agency see category `code` of the case's client now? Its own client, or an
    active grant of the category."""
    return Q(client__recorded_by=agency) | category_visible_q(agency=agency, code=code)


def _windows_visible_q(agency: Agency) -> Q:
    """A release path's windows would give away the release date; other paths' anchors
    are not a withheld category."""
    return Q(release__isnull=True) | _visible_q(agency, DataCategory.RELEASE)


def case_list_scope(*, agency: Agency) -> QuerySet[Case]:
    """The agency's active cases, unordered and unfiltered."""
    if agency.kind in RISE_KINDS:
        return Case.objects.filter(started_by=agency, status=CaseStatus.ACTIVE)
    responsible = CaseStage.objects.filter(case_id=OuterRef("pk"), responsible_agency=agency)
    return Case.objects.filter(Exists(responsible), status=CaseStatus.ACTIVE)


def current_stage_q(*, name_fi: str) -> Q:
    """Is the stage named `name_fi` the case's current stage?"""
    same_case = CaseStage.objects.filter(case_id=OuterRef("case_id"))
    in_progress = StageStatus.IN_PROGRESS
    not_started = StageStatus.NOT_STARTED
    candidates = CaseStage.objects.filter(case_id=OuterRef("pk"), stage__name_fi=name_fi).annotate(
        position=F("stage__order")
    )
    current = candidates.filter(
        Q(status=in_progress)
        & ~Exists(same_case.filter(status=in_progress, stage__order__lt=OuterRef("position")))
        | Q(status=not_started)
        & ~Exists(same_case.filter(status=in_progress))
        & ~Exists(same_case.filter(status=not_started, stage__order__lt=OuterRef("position")))
    )
    return Q(Exists(current))


def overdue_q(*, agency: Agency, today: date) -> Q:
    """Has the case a stage of the agency's whose window closed before today and that is
    neither done nor skipped? Only where the agency may see the windows.

    A window closes on anchor + window_end; the few distinct window ends of all stage
    templates turn that into plain date comparisons, which every database indexes."""
    ends = set(StageTemplate.objects.values_list("window_end", flat=True).distinct())
    passed = Q(pk__in=[])
    for end in ends:
        passed |= Q(stage__window_end=end, case__anchor_date__lt=today - timedelta(days=end))
    late = (
        CaseStage.objects.filter(case_id=OuterRef("pk"), responsible_agency=agency)
        .exclude(status__in=SETTLED)
        .filter(passed)
    )
    return Q(Exists(late)) & _windows_visible_q(agency)


def case_list(*, agency: Agency, filters: CaseListFilters, today: date) -> QuerySet[Case]:
    """The agency's cases by the filters, the nearest anchor (release) date first where
    the agency may see it, the rest after them, newest first."""
    cases = case_list_scope(agency=agency)
    if filters.stage:
        cases = cases.filter(current_stage_q(name_fi=filters.stage))
    if filters.released_from or filters.released_until:
        # Only releases the agency may see can match: a filter must not reveal a date.
        cases = cases.filter(_visible_q(agency, DataCategory.RELEASE), release__isnull=False)
        if filters.released_from:
            cases = cases.filter(release__expected_date__gte=filters.released_from)
        if filters.released_until:
            cases = cases.filter(release__expected_date__lte=filters.released_until)
    if filters.overdue:
        cases = cases.filter(overdue_q(agency=agency, today=today))
    if agency.kind not in RISE_KINDS:
        # Nor may the order reveal a release date the agency does not see.
        cases = cases.annotate(
            shown_anchor=SqlCase(
                When(_windows_visible_q(agency), then=F("anchor_date")),
                default=Value(None),
                output_field=DateField(),
            )
        )
        return cases.select_related("client", "template", "release").order_by(
            F("shown_anchor").asc(nulls_last=True), "-created_at", "pk"
        )
    return cases.select_related("client", "template", "release").order_by(
        "anchor_date", "created_at", "pk"
    )


def case_list_stages() -> list[tuple[str, str]]:
    """The stage filter's choices: every published template's stage names, the Finnish
    name as the value (stable across versions) and the active language's as the label."""
    language = (get_language() or "fi")[:2]
    seen: dict[str, str] = {}
    for name_fi, name_sv, name_en in (
        StageTemplate.objects.filter(template__published_at__isnull=False)
        .order_by("template__code", "order", "-template__version")
        .values_list("name_fi", "name_sv", "name_en")
    ):
        label = {"fi": name_fi, "sv": name_sv, "en": name_en}.get(language) or name_fi
        seen.setdefault(name_fi, label)
    return list(seen.items())


@dataclass(frozen=True)
class CaseRow:
    case: Case
    may_open: bool
    client_name: str  # "" where the identity is not disclosed
    release_date: date | None  # None where there is no release or it is not disclosed
    release_withheld: bool
    current: CaseStage | None
    overdue: bool

    @property
    def categories_shown(self) -> list[str]:
        """For the use log: the client's categories this row shows."""
        return [
            *([DataCategory.IDENTITY] if self.client_name else []),
            *([DataCategory.RELEASE] if self.release_date else []),
        ]


def case_list_rows(*, agency: Agency, cases: list[Case], today: date) -> list[CaseRow]:
    """One page's rows with what the agency may see of each: two queries for any page."""
    owned = {case.client_id for case in cases if case.client.recorded_by_id == agency.pk}
    granted = visible_categories_by_client(
        agency=agency, client_ids=[case.client_id for case in cases if case.client_id not in owned]
    )
    stages: dict[int, list[CaseStage]] = defaultdict(list)
    for case_stage in (
        CaseStage.objects.filter(case_id__in=[case.pk for case in cases])
        .exclude(status__in=SETTLED)
        .select_related("stage")
    ):
        stages[case_stage.case_id].append(case_stage)
    rows = []
    for case in cases:
        # None: the agency's own client, every category visible.
        visible = None if case.client_id in owned else granted.get(case.client_id, set())
        identity = visible is None or DataCategory.IDENTITY in visible
        release = visible is None or DataCategory.RELEASE in visible
        windows = release or case.release_id is None
        rows.append(
            CaseRow(
                case=case,
                may_open=visible is None or bool(visible),
                client_name=f"{case.client.first_name} {case.client.last_name}" if identity else "",
                release_date=case.release.expected_date if case.release and release else None,
                release_withheld=case.release is not None and not release,
                current=case_current_stage(stages[case.pk]),
                overdue=windows
                and any(
                    s.responsible_agency_id == agency.pk
                    and case.anchor_date + timedelta(days=s.stage.window_end) < today
                    for s in stages[case.pk]
                ),
            )
        )
    return rows
