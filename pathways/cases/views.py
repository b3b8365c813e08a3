from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import AuthenticatedRequest, client_work_agency
from agencies.models import Agency
from agencies.selectors import agency_client_workers
from core.dates import today
from history.models import ObjectKind
from history.selectors import change_history
from pathways.cases.forms import ReleaseForm
from pathways.cases.selectors import (
    ChecklistLine,
    StageWindow,
    case_for_agency,
    case_may_close,
    case_stage_checklist,
    case_stage_is_responsible,
    case_stage_list,
    case_stage_windows,
    case_timeline,
    case_timeline_lines,
)
from pathways.cases.services import RISE_KINDS, case_close, case_reopen, release_case_start
from pathways.kela.services import outcome_may_record
from pathways.models import Case, CaseStage, PathwayTemplate
from pathways.stages.forms import AssignForm, ReleaseDateForm, SkipForm, stage_prefix
from pathways.stages.services import case_stage_allowed_actions, release_date_may_move
from referrals.events import PathEvent
from referrals.models import LogPurpose
from referrals.selectors import ClientAccess, client_card, client_referrals
from referrals.services import use_log_write

# Changes whose time is the release's own: not shown where the release date is withheld.
RELEASE_ACTIONS = frozenset({"release recorded", f"path: {PathEvent.RELEASE_RECORDED}"})


def _rise_agency(request: AuthenticatedRequest) -> Agency:
    agency = client_work_agency(request)
    if agency.kind not in RISE_KINDS:
        raise PermissionDenied
    return agency


@login_required
def release_new(request: AuthenticatedRequest) -> HttpResponse:
    agency = _rise_agency(request)
    form = ReleaseForm(request.POST or None, agency=agency, initial={"rise_unit": agency})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = release_case_start(
                agency=agency,
                user=request.user,
                client=form.client,
                new_client=form.new_client(),
                rise_unit=data["rise_unit"],
                expected_date=data["expected_date"],
                release_type=data["release_type"],
                municipality_after=data["municipality_after"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The release was logged and the client's path started."))
            return redirect("case-detail", public_id=case.public_id)
    if form.other_agencys_client is not None:
        use_log_write(
            user=request.user,
            agency=agency,
            clients=[(form.other_agencys_client, ["identity"])],
            purpose=LogPurpose.IDENTITY_LOOKUP,
            path=request.path,
        )
    return render(request, "pathways/release_form.html", {"form": form})


@dataclass(frozen=True)
class StageRow:
    """One stage as the case page shows it to the acting agency."""

    case_stage: CaseStage
    window: StageWindow | None  # None when the release date is not disclosed
    checklist: list[ChecklistLine]
    actions: frozenset[str]
    skip_form: SkipForm | None
    assign_form: AssignForm | None


def case_page(
    request: AuthenticatedRequest,
    case: Case,
    access: ClientAccess,
    *,
    skip_form: SkipForm | None = None,
    assign_form: AssignForm | None = None,
    error: str = "",
    error_stage: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page, also re-rendered by the stage views with a form's errors in place."""
    agency = access.agency
    day = today()
    release_shown = access.shown("release") and case.release is not None
    # A release path's windows would give away the release date; other paths' anchors
    # (Kela's instruction, the referral, the start) are not a withheld category.
    windows_shown = release_shown or case.release is None
    stages = case_stage_list(case=case)
    windows = (
        {
            w.case_stage.pk: w
            for w in case_stage_windows(case=case, today=day, stages=stages)
            if w.case_stage
        }
        if windows_shown
        else {}
    )
    people = (
        [(user.pk, user.display_name) for user in agency_client_workers(agency=agency)]
        if any(case_stage_is_responsible(case_stage=s, agency=agency) for s in stages)
        else []
    )
    rows = []
    for case_stage in stages:
        actions = case_stage_allowed_actions(case_stage=case_stage, agency=agency)
        responsible = case_stage_is_responsible(case_stage=case_stage, agency=agency)
        prefix = stage_prefix(case_stage.pk)
        mine = error_stage == case_stage.pk
        rows.append(
            StageRow(
                case_stage=case_stage,
                window=windows.get(case_stage.pk),
                checklist=case_stage_checklist(case_stage=case_stage),
                actions=actions,
                skip_form=(skip_form if mine and skip_form else SkipForm(prefix=prefix))
                if "skip" in actions
                else None,
                assign_form=(
                    assign_form
                    if mine and assign_form
                    else AssignForm(
                        prefix=prefix,
                        people=people,
                        initial={"person": case_stage.responsible_person_id},
                    )
                )
                if responsible
                else None,
            )
        )
    use_log_write(
        user=request.user,
        agency=agency,
        clients=[(case.client, access.categories)],
        purpose=LogPurpose.CASE_WORK,
        path=request.path,
    )
    may_move = release_shown and release_date_may_move(case=case, agency=agency)
    return render(
        request,
        "pathways/case_detail.html",
        {
            "case": case,
            "access": access,
            "card": client_card(access=access),
            "rows": rows,
            "windows": [row.window for row in rows if row.window],
            "timeline": case_timeline(
                windows=[row.window for row in rows if row.window],
                anchor=case.anchor_date,
                today=day,
            )
            if windows_shown
            else None,
            "release": case.release if release_shown else None,
            "days_left": (case.release.expected_date - day).days
            if release_shown and case.release
            else None,
            "referrals": client_referrals(agency=agency, client=case.client),
            "history": change_history(
                kind=ObjectKind.CASE,
                object_id=case.public_id,
                hide_actions=() if windows_shown else RELEASE_ACTIONS,
            ),
            "timeline_lines": case_timeline_lines(case=case, release_shown=windows_shown),
            "may_record_release": may_move,
            # The recording agency, and the agency whose path this is (Kela refers its
            # guidance client to the employment area).
            "may_refer": access.is_owner or case.started_by_id == agency.pk,
            "is_guidance": case.template.code == PathwayTemplate.KELA_GUIDANCE,
            "may_record_outcome": outcome_may_record(case=case, agency=agency),
            "may_close": case_may_close(case=case, membership=request.acting.membership),
            "release_date_form": ReleaseDateForm(
                initial={"expected_date": case.release.expected_date}
            )
            if may_move and case.release
            else None,
            "windows_withheld": not windows_shown,
            "error": error,
            "error_stage": error_stage,
        },
        status=status,
    )


@login_required
def case_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case, access = case_for_agency(agency=client_work_agency(request), public_id=public_id)
    return case_page(request, case, access)


def _case_status_change(
    request: AuthenticatedRequest, public_id: UUID, change: Callable[..., Case], done: str
) -> HttpResponse:
    case, _access = case_for_agency(agency=client_work_agency(request), public_id=public_id)
    try:
        change(case=case, membership=request.acting.membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("case-detail", public_id=case.public_id)


@login_required
@require_POST
def case_close_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _case_status_change(request, public_id, case_close, _("The path was closed."))


@login_required
@require_POST
def case_reopen_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _case_status_change(request, public_id, case_reopen, _("The path was reopened."))
