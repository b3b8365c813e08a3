"""The case page as one agency may see it, built without a request so that its rules can
be tested directly. Apart from pathways.cases.selectors because it asks the stage and Kela
services what the agency may do, and they import those selectors."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from agencies.models import Membership
from agencies.selectors import agency_client_workers
from core.dates import today
from history.models import ChangeRecord, ObjectKind
from history.selectors import change_history
from pathways.cases.sections import Place, SectionContent, case_sections_build
from pathways.cases.selectors import (
    ChecklistLine,
    StageWindow,
    Timeline,
    TimelineLine,
    case_may_close,
    case_stage_checklist,
    case_stage_is_responsible,
    case_stage_list,
    case_stage_windows,
    case_timeline,
    case_timeline_lines,
)
from pathways.kela.services import outcome_may_record
from pathways.models import Case, CaseStage, PathwayTemplate
from pathways.stages.forms import AssignForm, ReleaseDateForm, SkipForm, stage_prefix
from pathways.stages.services import case_stage_allowed_actions, release_date_may_move
from referrals.events import PathEvent
from referrals.models import Referral, Release
from referrals.selectors import CardSection, ClientAccess, client_card, client_referrals

# Changes whose time is the release's own: not shown where the release date is withheld.
RELEASE_ACTIONS = frozenset({"release recorded", f"path: {PathEvent.RELEASE_RECORDED}"})


@dataclass(frozen=True)
class StageRow:
    """One stage as the case page shows it to the acting agency."""

    case_stage: CaseStage
    window: StageWindow | None  # None when the release date is not disclosed
    checklist: list[ChecklistLine]
    actions: frozenset[str]
    skip_form: SkipForm | None
    assign_form: AssignForm | None


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows; the names are the template's."""

    case: Case
    access: ClientAccess
    card: list[CardSection]
    rows: list[StageRow]
    windows: list[StageWindow]
    timeline: Timeline | None
    release: Release | None  # None when the release is not disclosed
    days_left: int | None
    referrals: QuerySet[Referral]
    history: QuerySet[ChangeRecord]
    timeline_lines: list[TimelineLine]
    may_record_release: bool
    may_refer: bool
    is_guidance: bool
    may_record_outcome: bool
    may_close: bool
    release_date_form: ReleaseDateForm | None
    windows_withheld: bool
    error: str
    error_stage: int | None
    # What the apps above pathways show on the page (pathways.cases.sections).
    sections_before_stages: list[SectionContent]
    sections_after_timeline: list[SectionContent]


@dataclass(frozen=True)
class _StageForms:
    """The forms a stage view posted, shown again with their errors on that stage."""

    stage: int | None
    skip: SkipForm | None
    assign: AssignForm | None


def _stage_windows(
    *, case: Case, stages: list[CaseStage], day: date, shown: bool
) -> dict[int, StageWindow]:
    if not shown:
        return {}
    return {
        w.case_stage.pk: w
        for w in case_stage_windows(case=case, today=day, stages=stages)
        if w.case_stage
    }


def _stage_rows(
    *,
    access: ClientAccess,
    stages: list[CaseStage],
    windows: dict[int, StageWindow],
    posted: _StageForms,
) -> list[StageRow]:
    agency = access.agency
    people = (
        [(user.pk, user.display_name) for user in agency_client_workers(agency=agency)]
        if any(case_stage_is_responsible(case_stage=s, agency=agency) for s in stages)
        else []
    )
    rows = []
    for case_stage in stages:
        actions = case_stage_allowed_actions(case_stage=case_stage, agency=agency)
        prefix = stage_prefix(case_stage.pk)
        mine = posted.stage == case_stage.pk
        skip_form = None
        if "skip" in actions:
            skip_form = posted.skip if mine and posted.skip else SkipForm(prefix=prefix)
        assign_form = None
        if case_stage_is_responsible(case_stage=case_stage, agency=agency):
            assign_form = (
                posted.assign
                if mine and posted.assign
                else AssignForm(
                    prefix=prefix,
                    people=people,
                    initial={"person": case_stage.responsible_person_id},
                )
            )
        rows.append(
            StageRow(
                case_stage=case_stage,
                window=windows.get(case_stage.pk),
                checklist=case_stage_checklist(case_stage=case_stage),
                actions=actions,
                skip_form=skip_form,
                assign_form=assign_form,
            )
        )
    return rows


def case_page_build(
    *,
    case: Case,
    access: ClientAccess,
    membership: Membership | None,
    skip_form: SkipForm | None = None,
    assign_form: AssignForm | None = None,
    error: str = "",
    error_stage: int | None = None,
) -> CasePage:
    """The case page for `access.agency`, acting through `membership`. A stage view whose
    change was refused passes its forms, the error and the stage it belongs to."""
    agency = access.agency
    day = today()
    release_shown = access.shown("release") and case.release is not None
    # A release path's windows would give away the release date; other paths' anchors
    # (Kela's instruction, the referral, the start) are not a withheld category.
    windows_shown = release_shown or case.release is None
    stages = case_stage_list(case=case)
    rows = _stage_rows(
        access=access,
        stages=stages,
        windows=_stage_windows(case=case, stages=stages, day=day, shown=windows_shown),
        posted=_StageForms(stage=error_stage, skip=skip_form, assign=assign_form),
    )
    windows = [row.window for row in rows if row.window]
    release = case.release if release_shown else None
    may_move = release is not None and release_date_may_move(case=case, agency=agency)
    return CasePage(
        case=case,
        access=access,
        card=client_card(access=access),
        rows=rows,
        windows=windows,
        timeline=case_timeline(windows=windows, anchor=case.anchor_date, today=day)
        if windows_shown
        else None,
        release=release,
        days_left=(release.expected_date - day).days if release else None,
        referrals=client_referrals(agency=agency, client=case.client),
        history=change_history(
            kind=ObjectKind.CASE,
            object_id=case.public_id,
            hide_actions=() if windows_shown else RELEASE_ACTIONS,
        ),
        timeline_lines=case_timeline_lines(case=case, release_shown=windows_shown),
        may_record_release=may_move,
        # The recording agency, and the agency whose path this is (Kela refers its
        # guidance client to the employment area).
        may_refer=access.is_owner or case.started_by_id == agency.pk,
        is_guidance=case.template.code == PathwayTemplate.KELA_GUIDANCE,
        may_record_outcome=outcome_may_record(case=case, agency=agency),
        may_close=case_may_close(case=case, membership=membership),
        release_date_form=ReleaseDateForm(initial={"expected_date": release.expected_date})
        if may_move and release
        else None,
        windows_withheld=not windows_shown,
        error=error,
        error_stage=error_stage,
        sections_before_stages=case_sections_build(
            case=case, access=access, membership=membership, place=Place.BEFORE_STAGES
        ),
        sections_after_timeline=case_sections_build(
            case=case, access=access, membership=membership, place=Place.AFTER_TIMELINE
        ),
    )
