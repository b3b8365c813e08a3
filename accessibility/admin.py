from django.contrib import admin
from django.http import HttpRequest

from accessibility.models import AccessibilityFeedback


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin[AccessibilityFeedback]):
    """Read-only: feedback is what its sender wrote. Deleting stays possible, so that the
    sender's name and address can be removed when they ask."""

    list_display = ("created_at", "page", "name", "email", "language")
    list_filter = ("language",)
    search_fields = ("message", "page", "name", "email")
    date_hierarchy = "created_at"
    fields = ("created_at", "page", "message", "name", "email", "language")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: AccessibilityFeedback | None = None
    ) -> bool:
        return False
