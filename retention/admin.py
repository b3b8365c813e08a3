from django.contrib import admin
from django.http import HttpRequest

from retention.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin[RetentionRule]):
    """Periods change when the law does; the rule's category is fixed once made."""

    list_display = ("category", "years", "counted_from", "provision_fi", "updated_at")

    def get_readonly_fields(
        self, request: HttpRequest, obj: RetentionRule | None = None
    ) -> tuple[str, ...]:
        return ("category",) if obj else ()
