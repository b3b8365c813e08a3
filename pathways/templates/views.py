"""The pathway-template editor: coordinators version, edit, publish, export and import
the paths. A published version is read-only; a change is a new draft version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import Membership, Role
from core.http import AuthenticatedRequest
from pathways.models import PathwayTemplate
from pathways.templates.forms import TemplateDraftForm, TemplateImportForm, stage_forms_build
from pathways.templates.selectors import (
    template_description,
    template_draft_of,
    template_families,
    template_get,
    template_running_count,
    template_stage_get,
)
from pathways.templates.services import (
    stage_delete,
    stage_save,
    template_draft_update,
    template_publish,
    template_version_new,
)
from pathways.templates.yaml_io import (
    TemplateImportError,
    template_export,
    template_import,
    template_text_decode,
)


def _coordinator(request: AuthenticatedRequest) -> Membership:
    """Coordinators configure the paths (docs/design.md §1); everyone else gets 403."""
    membership = request.acting.membership
    if membership is None or membership.role != Role.COORDINATOR:
        raise PermissionDenied
    return membership


def _published_refused(request: AuthenticatedRequest, template: PathwayTemplate) -> HttpResponse:
    messages.error(request, _("A published version cannot be edited: make a new version."))
    return redirect("pathway-detail", pk=template.pk)


@login_required
def pathway_list(request: AuthenticatedRequest) -> HttpResponse:
    _coordinator(request)
    return render(request, "pathways/template_list.html", {"families": template_families()})


@login_required
def pathway_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    template = template_get(pk=pk)
    return render(
        request,
        "pathways/template_detail.html",
        {
            "template": template,
            "stages": template.stages.all(),
            "description": template_description(template=template),
            "running": template_running_count(template=template),
            "draft": template_draft_of(code=template.code)
            if template.published_at is not None
            else None,
        },
    )


@login_required
def pathway_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    template = template_get(pk=pk)
    if template.published_at is not None:
        return _published_refused(request, template)
    form = TemplateDraftForm(request.POST or None, initial=TemplateDraftForm.initial_for(template))
    if request.method == "POST" and form.is_valid():
        try:
            template_draft_update(template=template, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("pathway-detail", pk=template.pk)
    return render(request, "pathways/template_form.html", {"form": form, "template": template})


@login_required
def stage_edit(request: AuthenticatedRequest, pk: int, stage_pk: int | None = None) -> HttpResponse:
    """Add or edit a draft's stage with its checklist and reminders, on one page."""
    _coordinator(request)
    template = template_get(pk=pk)
    if template.published_at is not None:
        return _published_refused(request, template)
    stage = template_stage_get(template=template, pk=stage_pk) if stage_pk else None
    data = request.POST if request.method == "POST" else None
    edit = stage_forms_build(stage=stage, stages=list(template.stages.all()), data=data)
    if data is not None and edit.is_valid():
        try:
            stage_save(
                template=template,
                stage=stage,
                checklist=edit.checklist.items(),
                reminders=edit.reminders.items(),
                **edit.form.cleaned_data,
            )
        except ValidationError as error:
            edit.form.add_error(None, error)
        else:
            messages.success(request, _("The stage was saved."))
            return redirect("pathway-detail", pk=template.pk)
    return render(
        request,
        "pathways/stage_form.html",
        {
            "form": edit.form,
            "checklist": edit.checklist,
            "reminders": edit.reminders,
            "template": template,
            "stage": stage,
        },
    )


@login_required
@require_POST
def stage_remove(request: AuthenticatedRequest, pk: int, stage_pk: int) -> HttpResponse:
    _coordinator(request)
    template = template_get(pk=pk)
    stage = template_stage_get(template=template, pk=stage_pk)
    try:
        stage_delete(template=template, stage=stage)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The stage “%(stage)s” was deleted.") % {"stage": stage.name})
    return redirect("pathway-detail", pk=template.pk)


@login_required
@require_POST
def pathway_new_version(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    draft = template_version_new(template=template_get(pk=pk), user=request.user)
    messages.success(
        request, _("Version %(version)s is a draft for you to edit.") % {"version": draft.version}
    )
    return redirect("pathway-detail", pk=draft.pk)


@login_required
@require_POST
def pathway_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    template = template_get(pk=pk)
    try:
        template_publish(template=template, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Version %(version)s is published: new cases start on it.")
            % {"version": template.version},
        )
    return redirect("pathway-detail", pk=template.pk)


@login_required
def pathway_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    template = template_get(pk=pk)
    response = HttpResponse(
        template_export(template=template), content_type="application/yaml; charset=utf-8"
    )
    filename = f"{template.code}-v{template.version}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def pathway_import(request: AuthenticatedRequest) -> HttpResponse:
    """A YAML file becomes a new draft; each problem is shown with its line."""
    _coordinator(request)
    form = TemplateImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            text = template_text_decode(data=form.cleaned_data["file"])
            template = template_import(text=text, user=request.user)
        except TemplateImportError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _("The file was imported as version %(version)s, a draft.")
                % {"version": template.version},
            )
            return redirect("pathway-detail", pk=template.pk)
    return render(request, "pathways/template_import.html", {"form": form})
