"""Reads of the pathway-template editor."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from pathways.models import CaseStatus, PathwayTemplate, StageTemplate


@dataclass(frozen=True)
class TemplateFamily:
    """The versions of one code, the newest first."""

    code: str
    versions: list[PathwayTemplate]

    @property
    def latest(self) -> PathwayTemplate:
        return self.versions[0]


def template_families() -> list[TemplateFamily]:
    """Every template grouped by code; each version carries `running`, its active cases."""
    versions = PathwayTemplate.objects.annotate(
        running=Count("cases", filter=Q(cases__status=CaseStatus.ACTIVE))
    ).order_by("code", "-version")
    families: dict[str, list[PathwayTemplate]] = {}
    for version in versions:
        families.setdefault(version.code, []).append(version)
    return [TemplateFamily(code=code, versions=found) for code, found in families.items()]


def template_get(*, pk: int) -> PathwayTemplate:
    """One version with its stages, their checklists and reminders, in order; else 404."""
    stages = StageTemplate.objects.order_by("order").prefetch_related("checklist", "reminders")
    return get_object_or_404(
        PathwayTemplate.objects.prefetch_related(Prefetch("stages", queryset=stages)), pk=pk
    )


def template_stage_get(*, template: PathwayTemplate, pk: int) -> StageTemplate:
    return get_object_or_404(
        StageTemplate.objects.prefetch_related("checklist", "reminders"), template=template, pk=pk
    )


def template_draft_of(*, code: str) -> PathwayTemplate | None:
    return (
        PathwayTemplate.objects.filter(code=code, published_at__isnull=True)
        .order_by("-version")
        .first()
    )


def template_description(*, template: PathwayTemplate) -> str:
    """The description in the active language, else in Finnish."""
    language = (get_language() or "fi")[:2]
    text: str = getattr(template, f"description_{language}", "") or template.description_fi
    return text


def template_running_count(*, template: PathwayTemplate) -> int:
    return template.cases.filter(status=CaseStatus.ACTIVE).count()
