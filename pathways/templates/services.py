"""Writes of the pathway-template editor: versions, drafts and their stages.

A published version is never edited again: cases point at the version row they started
on, so a change is a new version (a draft) that a coordinator edits and then publishes.
New cases take the newest published version (`selectors.template_latest`).
"""

from collections.abc import Sequence
from typing import Any, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import User
from pathways.models import ChecklistItem, PathwayTemplate, ReminderRule, StageTemplate
from pathways.templates.checks import StageSpec, stage_problems
from referrals.events import PathEvent

DRAFT_FIELDS = frozenset(
    {
        "name_fi",
        "name_sv",
        "name_en",
        "description_fi",
        "description_sv",
        "description_en",
        "anchor",
    }
)


class ChecklistItemData(TypedDict):
    name_fi: str
    name_sv: str
    name_en: str
    ticked_on: str  # a PathEvent value, or "" for an item only people tick


class ReminderData(TypedDict):
    offset_days: int
    audience: str
    name_fi: str
    name_sv: str
    name_en: str


def _editable(template: PathwayTemplate) -> None:
    if template.published_at is not None:
        raise ValidationError(
            _("A published version cannot be edited: make a new version."), code="published"
        )


def _locked(template: PathwayTemplate) -> PathwayTemplate:
    """The template row again, locked, so that two editors of one draft take turns."""
    return PathwayTemplate.objects.select_for_update().get(pk=template.pk)


def _spec(stage: StageTemplate) -> StageSpec:
    return StageSpec(
        name=stage.name,
        responsible_kind=stage.responsible_kind,
        window_start=stage.window_start,
        window_end=stage.window_end,
        is_anchor=stage.is_anchor,
        action=stage.action,
        start_events=tuple(stage.start_events),
        complete_events=tuple(stage.complete_events),
    )


def _renumber(*, template: PathwayTemplate, stages: Sequence[StageTemplate]) -> None:
    """Give the saved stages the orders 1…n of the list. They first move above every
    order in use, so that no step of the update breaks the (template, order) uniqueness."""
    rows = StageTemplate.objects.filter(template=template)
    above = (rows.aggregate(top=Max("order"))["top"] or 0) + len(stages) + 1
    for i, stage in enumerate(stages):
        if stage.pk is not None:
            rows.filter(pk=stage.pk).update(order=above + i)
    for i, stage in enumerate(stages, start=1):
        stage.order = i
        if stage.pk is not None:
            rows.filter(pk=stage.pk).update(order=i)


def _problem_errors(*, stages: Sequence[StageTemplate], index: int) -> dict[str, list[str]]:
    """The cross-stage problems of the list, each on the field it names. The list is as it
    would be after the change to stage `index`; a problem another stage now has because
    of it is put on the same field, naming that stage."""
    errors: dict[str, list[str]] = {}
    for problem in stage_problems(stages=[_spec(stage) for stage in stages]):
        message = problem.message
        if problem.index != index:
            message = _("“%(stage)s”: %(message)s") % {
                "stage": stages[problem.index].name,
                "message": message,
            }
        errors.setdefault(problem.field, []).append(message)
    return errors


@transaction.atomic
def template_version_new(*, template: PathwayTemplate, user: User) -> PathwayTemplate:
    """A new draft version copied from `template`: its stages, checklists and reminders.

    A code has one draft at a time: if one exists already (the newest, should an import
    have added another), it is returned as it is rather than a second one made, so that
    the button pressed twice, or by two coordinators, leads to the same draft.
    """
    versions = list(
        PathwayTemplate.objects.select_for_update().filter(code=template.code).order_by("version")
    )
    draft = next((v for v in reversed(versions) if v.published_at is None), None)
    if draft is not None:
        return draft
    copy = PathwayTemplate.objects.create(
        code=template.code,
        version=versions[-1].version + 1,
        name_fi=template.name_fi,
        name_sv=template.name_sv,
        name_en=template.name_en,
        description_fi=template.description_fi,
        description_sv=template.description_sv,
        description_en=template.description_en,
        anchor=template.anchor,
        published_at=None,
        created_by=user,
    )
    stages = template.stages.prefetch_related("checklist", "reminders").order_by("order")
    for stage in stages:
        new_stage = StageTemplate.objects.create(
            template=copy,
            order=stage.order,
            name_fi=stage.name_fi,
            name_sv=stage.name_sv,
            name_en=stage.name_en,
            responsible_kind=stage.responsible_kind,
            window_start=stage.window_start,
            window_end=stage.window_end,
            is_anchor=stage.is_anchor,
            action=stage.action,
            start_events=list(stage.start_events),
            complete_events=list(stage.complete_events),
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                stage=new_stage,
                order=item.order,
                name_fi=item.name_fi,
                name_sv=item.name_sv,
                name_en=item.name_en,
                ticked_on=item.ticked_on,
            )
            for item in stage.checklist.all()
        )
        ReminderRule.objects.bulk_create(
            ReminderRule(
                stage=new_stage,
                offset_days=rule.offset_days,
                audience=rule.audience,
                name_fi=rule.name_fi,
                name_sv=rule.name_sv,
                name_en=rule.name_en,
            )
            for rule in stage.reminders.all()
        )
    return copy


@transaction.atomic
def template_draft_update(*, template: PathwayTemplate, user: User, **fields: Any) -> None:
    """Change a draft's names, descriptions or anchor kind."""
    unknown = fields.keys() - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    template = _locked(template)
    _editable(template)
    for name, value in fields.items():
        setattr(template, name, value)
    template.full_clean()
    template.save(update_fields=[*fields])


def _stage_children_check(
    *, checklist: Sequence[ChecklistItemData], reminders: Sequence[ReminderData]
) -> None:
    seen: set[tuple[int, str]] = set()
    for reminder in reminders:
        key = (reminder["offset_days"], reminder["audience"])
        if key in seen:
            raise ValidationError(
                _("Two reminders of a stage cannot go to the same people on the same day.")
            )
        seen.add(key)
    names = [(c["name_fi"], c["name_sv"], c["name_en"]) for c in checklist] + [
        (r["name_fi"], r["name_sv"], r["name_en"]) for r in reminders
    ]
    if not all(all(triple) for triple in names):
        raise ValidationError(_("Give every checklist item and reminder in all languages."))
    if any(c["ticked_on"] and c["ticked_on"] not in PathEvent.values for c in checklist):
        raise ValidationError(_("A checklist item names an unknown event."))


@transaction.atomic
def stage_save(
    *,
    template: PathwayTemplate,
    stage: StageTemplate | None,
    name_fi: str,
    name_sv: str,
    name_en: str,
    responsible_kind: str,
    window_start: int,
    window_end: int,
    is_anchor: bool,
    action: str,
    checklist: Sequence[ChecklistItemData],
    reminders: Sequence[ReminderData],
    start_events: Sequence[str] = (),
    complete_events: Sequence[str] = (),
    position: int | None = None,
) -> StageTemplate:
    """Add (`stage` None) or change a stage of a draft, with its checklist and reminders
    in the order given (they replace the stage's earlier ones).

    `position` (1-based) places the stage in the list; None keeps an existing stage where
    it is and puts a new one last. The whole list, as it would be after the change, must
    keep the rules of `checks.stage_problems`; otherwise nothing is saved and each
    problem is raised on the field it names.
    """
    template = _locked(template)
    _editable(template)
    saved = list(template.stages.order_by("order"))
    if stage is None:
        stage = StageTemplate(template=template)
        current = len(saved)
    elif stage.template_id != template.pk:
        raise ValueError("the stage belongs to another template")
    else:
        current = next(i for i, s in enumerate(saved) if s.pk == stage.pk)
    others = [s for s in saved if s.pk != stage.pk]
    index = current if position is None else min(max(position, 1), len(others) + 1) - 1
    stage.name_fi, stage.name_sv, stage.name_en = name_fi, name_sv, name_en
    stage.responsible_kind = responsible_kind
    stage.window_start, stage.window_end = window_start, window_end
    stage.is_anchor, stage.action = is_anchor, action
    stage.start_events, stage.complete_events = list(start_events), list(complete_events)
    stages = [*others[:index], stage, *others[index:]]
    errors = _problem_errors(stages=stages, index=index)
    try:
        stage.full_clean(
            exclude=["template", "order"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            known = errors.setdefault(field, [])
            known.extend(message for message in messages if message not in known)
    if errors:
        raise ValidationError(errors)
    _stage_children_check(checklist=checklist, reminders=reminders)

    _renumber(template=template, stages=stages)
    stage.save()
    stage.checklist.all().delete()
    stage.reminders.all().delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(stage=stage, order=order, **item)
        for order, item in enumerate(checklist, start=1)
    )
    ReminderRule.objects.bulk_create(ReminderRule(stage=stage, **rule) for rule in reminders)
    return stage


@transaction.atomic
def stage_move(*, template: PathwayTemplate, stage: StageTemplate, position: int) -> None:
    """Move a draft's stage to `position` (1-based), if the order stays in time order."""
    template = _locked(template)
    _editable(template)
    stages = list(template.stages.order_by("order"))
    moving = next(s for s in stages if s.pk == stage.pk)
    stages.remove(moving)
    index = min(max(position, 1), len(stages) + 1) - 1
    stages.insert(index, moving)
    errors = _problem_errors(stages=stages, index=index)
    if errors:
        raise ValidationError({"position": [m for messages in errors.values() for m in messages]})
    _renumber(template=template, stages=stages)


@transaction.atomic
def stage_delete(*, template: PathwayTemplate, stage: StageTemplate) -> None:
    template = _locked(template)
    _editable(template)
    if stage.template_id != template.pk:
        raise ValueError("the stage belongs to another template")
    stage.delete()
    _renumber(template=template, stages=list(template.stages.order_by("order")))


@transaction.atomic
def template_publish(*, template: PathwayTemplate, user: User | None) -> PathwayTemplate:
    """Publish a draft: from now on new cases of its code start on it. Cases already
    running keep the version they started on. `user` is None for an import from the
    command line or the shipped defaults."""
    template = _locked(template)
    if template.published_at is not None:
        raise ValidationError(_("This version is already published."), code="published")
    if PathwayTemplate.objects.filter(
        code=template.code, version__gt=template.version, published_at__isnull=False
    ).exists():
        # New cases take the newest published version; this one would never be used.
        raise ValidationError(
            _("A newer version is already published: make a new version of it instead."),
            code="superseded",
        )
    stages = list(template.stages.order_by("order"))
    if not stages:
        raise ValidationError(_("A path needs at least one stage."), code="no_stages")
    problems = stage_problems(stages=[_spec(stage) for stage in stages])
    if problems:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("“%(stage)s”: %(message)s")
                    % {"stage": stages[p.index].name, "message": p.message}
                    for p in problems
                ]
            }
        )
    template.published_at = timezone.now()
    template.save(update_fields=["published_at"])
    return template
