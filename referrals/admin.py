from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from referrals.models import (
    AccessGrant,
    DataCategory,
    DisclosureLogEntry,
    DisclosureRule,
    LegalBasis,
    UseLogEntry,
)
from referrals.selectors import data_categories_forget


@admin.register(DataCategory)
class DataCategoryAdmin(admin.ModelAdmin[DataCategory]):
    list_display = ("code", "name_fi", "name_sv", "name_en", "ordering")

    # Pages read the categories from a cached copy (referrals.selectors.data_categories).
    def save_model(self, request: HttpRequest, obj: DataCategory, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        data_categories_forget()

    def delete_model(self, request: HttpRequest, obj: DataCategory) -> None:
        super().delete_model(request, obj)
        data_categories_forget()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DataCategory]) -> None:
        super().delete_queryset(request, queryset)
        data_categories_forget()


class DisclosureRuleInline(admin.TabularInline[DisclosureRule, Any]):
    model = DisclosureRule
    extra = 0


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin[LegalBasis]):
    list_display = ("code", "name_fi", "is_consent", "ordering")
    inlines = [DisclosureRuleInline]


@admin.register(DisclosureRule)
class DisclosureRuleAdmin(admin.ModelAdmin[DisclosureRule]):
    list_display = ("basis", "discloser_kind", "recipient_kind", "category")
    list_filter = ("basis", "discloser_kind", "recipient_kind", "category")


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Logs and grants are written by the services only; the admin may read them."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = (
        "agency",
        "client__public_id",
        "basis",
        "valid_from",
        "valid_until",
        "revoked_at",
    )
    list_filter = ("basis",)
    list_select_related = ("agency", "client", "basis")


@admin.register(UseLogEntry)
class UseLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "agency", "client__public_id", "purpose", "path")
    list_select_related = ("agency", "client")


@admin.register(DisclosureLogEntry)
class DisclosureLogEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "discloser_agency",
        "recipient_agency",
        "client__public_id",
        "basis",
        "purpose",
    )
    list_select_related = ("discloser_agency", "recipient_agency", "client", "basis")
