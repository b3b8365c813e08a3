from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.models import Agency
from agencies.selectors import serves_q
from pathways.models import Case, CaseStatus, PathwayTemplate, StageTemplate
from referrals.selectors import ClientAccess, client_access

YOUTH_AGE_LIMIT = 30


@dataclass(frozen=True)
class StageWindow:
    stage: StageTemplate
    opens: date
    closes: date
    state: str  # "upcoming", "open" or "past"


def template_latest(*, code: str) -> PathwayTemplate:
    return PathwayTemplate.objects.filter(code=code, published_at__isnull=False).order_by(
        "-version"
    ).first() or PathwayTemplate.objects.get(code=code, version=1)


def age_on(*, birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def release_template_for(*, birth_date: date, release_date: date) -> PathwayTemplate:
    """Under 30 on the release date: the youth variant; otherwise the adult path."""
    young = age_on(birth_date=birth_date, day=release_date) < YOUTH_AGE_LIMIT
    return template_latest(
        code=PathwayTemplate.YOUTH_RELEASE if young else PathwayTemplate.ADULT_RELEASE
    )


def case_anchor_date(*, case: Case) -> date | None:
    return case.release.expected_date if case.release else None


def case_stage_windows(*, case: Case, today: date) -> list[StageWindow]:
    anchor = case_anchor_date(case=case)
    if anchor is None:
        return []
    windows = []
    for stage in case.template.stages.all():
        opens = anchor + timedelta(days=stage.window_start)
        closes = anchor + timedelta(days=stage.window_end)
        state = "upcoming" if today < opens else "past" if today > closes else "open"
        windows.append(StageWindow(stage=stage, opens=opens, closes=closes, state=state))
    return windows


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


def cases_started_by(*, agency: Agency) -> QuerySet[Case]:
    return (
        Case.objects.filter(started_by=agency, status=CaseStatus.ACTIVE)
        .select_related("client", "release", "template")
        .order_by("release__expected_date", "created_at")
    )
