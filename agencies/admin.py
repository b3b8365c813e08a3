from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from agencies.models import (
    Agency,
    ContactPerson,
    ContactTopic,
    EmploymentArea,
    KelaServiceArea,
    Membership,
    Municipality,
    Region,
    User,
    WellbeingArea,
)
from agencies.services import (
    agency_group_attach,
    contact_person_check_members,
    membership_remove,
    membership_set,
)


class ReferenceAreaAdmin(admin.ModelAdmin[Any]):
    list_display = ("code", "name_fi", "name_sv", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_fi", "name_sv", "name_en")


for area in (Region, WellbeingArea, EmploymentArea, KelaServiceArea):
    admin.site.register(area, ReferenceAreaAdmin)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = (
        "code",
        "name_fi",
        "name_sv",
        "language_status",
        "employment_area",
        "wellbeing_area",
    )
    list_filter = ("language_status", "is_active", "wellbeing_area", "employment_area")
    search_fields = ("code", "name_fi", "name_sv", "name_en")
    list_select_related = ("employment_area", "wellbeing_area")


class MembershipFormSet(BaseInlineFormSet[Membership, Any, Any]):
    """Memberships change through the services, which keep the agency groups in step."""

    def save(self, commit: bool = True) -> list[Membership]:
        saved: list[Membership] = []
        # The admin's change message reads these three lists.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.forms:
            if not form.has_changed() or not form.cleaned_data:
                continue
            data = form.cleaned_data
            if data.get("DELETE") and form.instance.pk:
                membership_remove(user=form.instance.user, agency=form.instance.agency)
                self.deleted_objects.append(form.instance)
            elif not data.get("DELETE"):
                membership = membership_set(
                    user=data["user"], agency=data["agency"], role=data["role"]
                )
                if form.instance.pk:
                    self.changed_objects.append((membership, form.changed_data))
                else:
                    self.new_objects.append(membership)
                saved.append(membership)
        return saved


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ("agency",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")


class AgencyAdminForm(forms.ModelForm[Agency]):
    class Meta:
        model = Agency
        fields = [
            "kind",
            "name_fi",
            "name_sv",
            "name_en",
            "employment_area",
            "wellbeing_area",
            "kela_service_area",
            "municipalities",
            "email",
            "phone",
            "is_active",
        ]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    form = AgencyAdminForm
    list_display = ("name_fi", "kind", "employment_area", "wellbeing_area", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name_fi", "name_sv", "name_en")
    filter_horizontal = ("municipalities",)
    readonly_fields = ("public_id",)

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        if not change:
            agency_group_attach(agency=obj)
        super().save_model(request, obj, form, change)


@admin.register(ContactTopic)
class ContactTopicAdmin(admin.ModelAdmin[ContactTopic]):
    list_display = ("code", "name_fi", "name_sv", "name_en", "ordering")
    search_fields = ("code", "name_fi", "name_sv", "name_en")


class ContactPersonAdminForm(forms.ModelForm[ContactPerson]):
    video_url = forms.URLField(label=_("video meeting link"), required=False, assume_scheme="https")

    class Meta:
        model = ContactPerson
        fields = [
            "agency",
            "topic",
            "person",
            "substitute",
            "preferred_channel",
            "phone",
            "secure_email",
            "video_url",
            "notes",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("agency") and data.get("person"):
            try:
                contact_person_check_members(
                    agency=data["agency"], person=data["person"], substitute=data.get("substitute")
                )
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin[ContactPerson]):
    form = ContactPersonAdminForm
    list_display = ("person", "agency", "topic", "preferred_channel", "substitute")
    list_filter = ("topic", "agency__kind")
    search_fields = ("person__first_name", "person__last_name", "agency__name_fi")
    autocomplete_fields = ("agency", "person", "substitute")
    list_select_related = ("person", "agency", "topic", "substitute")


admin.site.site_header = _("Polku administration")
admin.site.site_title = _("Polku")
