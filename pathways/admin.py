from typing import Any

from django.contrib import admin

from pathways.models import PathwayTemplate, StageTemplate


class StageTemplateInline(admin.TabularInline[StageTemplate, Any]):
    model = StageTemplate
    extra = 0


@admin.register(PathwayTemplate)
class PathwayTemplateAdmin(admin.ModelAdmin[PathwayTemplate]):
    list_display = ("code", "version", "name_fi", "anchor", "published_at")
    inlines = [StageTemplateInline]
