"""The case page's stage actions and moving the release date. Every change is a plain form
post that redirects back to the case page; a refused one renders the page with the error
on the stage and field that caused it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import client_work_agency
from agencies.models import User
from agencies.selectors import agency_client_workers
from core.dates import today
from core.http import AuthenticatedRequest
from pathways.cases.page_selectors import case_page_build
from pathways.cases.selectors import case_for_agency, case_stage_for_agency
from pathways.cases.views import case_page_respond
from pathways.models import Case, CaseStage, ChecklistItem
from pathways.stages.forms import (
    AssignForm,
    ReleaseDateForm,
    ReleaseRecordForm,
    SkipForm,
    stage_prefix,
)
from pathways.stages.services import (
    StageConflict,
    case_stage_assign,
    case_stage_complete,
    case_stage_reopen,
    case_stage_skip,
    case_stage_start,
    checklist_ticks_set,
    release_date_may_move,
    release_date_move,
    release_record,
)
from referrals.models import LogPurpose
from referrals.selectors import ClientAccess
from referrals.services import use_log_write

MOVES = {
    "start": case_stage_start,
    "complete": case_stage_complete,
    "reopen": case_stage_reopen,
}


def _back(case_stage: CaseStage) -> HttpResponse:
    url = reverse("case-detail", args=[case_stage.case.public_id])
    return redirect(f"{url}#stage-{case_stage.pk}")


def _failed(
    request: AuthenticatedRequest,
    case_stage: CaseStage,
    access: ClientAccess,
    failure: ValidationError | None,
    *,
    skip_form: SkipForm | None = None,
    assign_form: AssignForm | None = None,
) -> HttpResponse:
    """The case page again, with the errors on the stage's form field they belong to."""
    remaining: list[str] = []
    if failure is not None:
        errors = (
            failure.message_dict
            if hasattr(failure, "error_dict")
            else {NON_FIELD_ERRORS: failure.messages}
        )
        for field, field_messages in errors.items():
            form = {"reason": skip_form, "person": assign_form}.get(field)
            if form is not None:
                form.add_error(field, field_messages)
            else:
                remaining.extend(field_messages)
    page = case_page_build(
        case=case_stage.case,
        access=access,
        membership=request.acting.membership,
        skip_form=skip_form,
        assign_form=assign_form,
        error=" ".join(remaining),
        error_stage=case_stage.pk,
    )
    return case_page_respond(
        request, page, status=409 if isinstance(failure, StageConflict) else 400
    )


def _saved(request: AuthenticatedRequest, case_stage: CaseStage) -> None:
    messages.success(
        request,
        _("Saved: “%(stage)s” is now %(status)s.")
        % {"stage": case_stage.stage.name, "status": case_stage.get_status_display().lower()},
    )


@login_required
@require_POST
def case_stage_action(
    request: AuthenticatedRequest, public_id: UUID, stage_pk: int, action: str
) -> HttpResponse:
    """Start, complete, skip (with a reason) or reopen a stage."""
    case_stage, access = case_stage_for_agency(
        agency=client_work_agency(request), public_id=public_id, stage_pk=stage_pk
    )
    skip_form = SkipForm(request.POST, prefix=stage_prefix(case_stage.pk))
    try:
        if action == "skip":
            if not skip_form.is_valid():
                return _failed(request, case_stage, access, None, skip_form=skip_form)
            case_stage = case_stage_skip(
                case_stage=case_stage, reason=skip_form.cleaned_data["reason"], by=request.user
            )
        elif action in MOVES:
            case_stage = MOVES[action](case_stage=case_stage, by=request.user)
        else:
            raise Http404
    except ValidationError as failure:
        return _failed(
            request,
            case_stage,
            access,
            failure,
            skip_form=skip_form if action == "skip" else None,
        )
    _saved(request, case_stage)
    return _back(case_stage)


@login_required
@require_POST
def case_stage_assign_view(
    request: AuthenticatedRequest, public_id: UUID, stage_pk: int
) -> HttpResponse:
    case_stage, access = case_stage_for_agency(
        agency=client_work_agency(request), public_id=public_id, stage_pk=stage_pk
    )
    people = [(user.pk, user.display_name) for user in agency_client_workers(agency=access.agency)]
    form = AssignForm(request.POST, prefix=stage_prefix(case_stage.pk), people=people)
    if not form.is_valid():
        return _failed(request, case_stage, access, None, assign_form=form)
    chosen = form.cleaned_data["person"]
    person = User.objects.filter(pk=chosen).first() if chosen else None
    try:
        case_stage = case_stage_assign(case_stage=case_stage, person=person, by=request.user)
    except ValidationError as failure:
        return _failed(request, case_stage, access, failure, assign_form=form)
    if person is None:
        message = _("Saved: nobody is named for “%(stage)s”.") % {"stage": case_stage.stage.name}
    else:
        message = _("Saved: %(person)s is responsible for “%(stage)s”.") % {
            "person": person.display_name,
            "stage": case_stage.stage.name,
        }
    messages.success(request, message)
    return _back(case_stage)


def _ids(values: list[str]) -> set[int]:
    return {int(value) for value in values if value.isdigit()}


@login_required
@require_POST
def case_stage_tick(request: AuthenticatedRequest, public_id: UUID, stage_pk: int) -> HttpResponse:
    """Save the stage's checklist. Only the items changed on this form are written, so
    that ticks someone else made after the page was loaded stay."""
    case_stage, access = case_stage_for_agency(
        agency=client_work_agency(request), public_id=public_id, stage_pk=stage_pk
    )
    shown = _ids(request.POST.getlist("shown"))
    before = _ids(request.POST.getlist("was"))
    after = _ids(request.POST.getlist("item"))
    changed = {pk for pk in shown if (pk in before) != (pk in after)}
    items = ChecklistItem.objects.filter(pk__in=changed)
    try:
        checklist_ticks_set(
            case_stage=case_stage,
            ticks={item: item.pk in after for item in items},
            by=request.user,
        )
    except ValidationError as failure:
        return _failed(request, case_stage, access, failure)
    messages.success(
        request,
        _("Saved the checklist of “%(stage)s”.") % {"stage": case_stage.stage.name},
    )
    return _back(case_stage)


@dataclass(frozen=True)
class _ReleaseChange:
    form: type[forms.Form]
    field: str
    change: Callable[..., Case]
    done: Callable[[date], str]
    template: str


RELEASE_CHANGES = {
    "move": _ReleaseChange(
        form=ReleaseDateForm,
        field="expected_date",
        change=release_date_move,
        done=lambda day: (
            _("The release date is now %(day)s; the stage windows moved with it.")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT")}
        ),
        template="pathways/release_date_form.html",
    ),
    "record": _ReleaseChange(
        form=ReleaseRecordForm,
        field="released_on",
        change=release_record,
        done=lambda day: (
            _("The release on %(day)s was recorded; the path moved on.")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT")}
        ),
        template="pathways/release_record_form.html",
    ),
}


def _release_change(request: AuthenticatedRequest, public_id: UUID, how: str) -> HttpResponse:
    """Move the expected release date (the stage windows follow it), or record the day
    the client was released (the path reacts); both only by the Rise unit of the case."""
    spec = RELEASE_CHANGES[how]
    case, access = case_for_agency(agency=client_work_agency(request), public_id=public_id)
    if case.release is None:
        raise Http404
    if not release_date_may_move(case=case, agency=access.agency):
        raise PermissionDenied
    initial = {"expected_date": case.release.expected_date, "released_on": today()}
    form = spec.form(request.POST or None, initial={spec.field: initial[spec.field]})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data[spec.field]
        try:
            spec.change(case=case, user=request.user, agency=access.agency, **{spec.field: day})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, spec.done(day))
            return redirect("case-detail", public_id=case.public_id)
    use_log_write(
        user=request.user,
        agency=access.agency,
        clients=[(case.client, [c for c in ("identity", "release") if access.shown(c)])],
        purpose=LogPurpose.CASE_WORK,
        path=request.path,
    )
    return render(request, spec.template, {"case": case, "access": access, "form": form})


@login_required
def case_release_date(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _release_change(request, public_id, "move")


@login_required
def case_release_record(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _release_change(request, public_id, "record")
