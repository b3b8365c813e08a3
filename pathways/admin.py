from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pathways.models import PathwayTemplate, StageTemplate


class StageTemplateInline(admin.TabularInline[StageTemplate, Any]):
    model = StageTemplate
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PathwayTemplate)
class PathwayTemplateAdmin(admin.ModelAdmin[PathwayTemplate]):
    """Read-only. Versions are written by the editor's services alone (pathways.templates),
    which keep the rules the admin's plain forms would not: a published version is never
    edited, and a draft's stages stay in time order with one anchor."""

    list_display = ("code", "version", "name_fi", "anchor", "published_at", "editor_link")
    readonly_fields = ("editor_link",)
    inlines = [StageTemplateInline]

    @admin.display(description=gettext_lazy("Pathway editor"))
    def editor_link(self, obj: PathwayTemplate) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("pathway-detail", args=[obj.pk]),
            _("Open in the pathway editor"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
