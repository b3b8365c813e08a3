"""Filters of the DPO's log pages. The identity code is not among them: a GET form would
put it in the URL, and so in browser histories and access logs. It is looked up by a
POST form (dpo.forms.ClientLookupForm) that redirects here with the client's public id."""

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.selectors import name_terms_q
from referrals.forms import DATE_INPUT
from referrals.models import DisclosureLogEntry, LogPurpose, UseLogEntry


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in Finland."""
    return timezone.make_aware(datetime.combine(day, time.min))


def user_q(*, value: str, prefix: str) -> Q:
    """The user's name, or their user name, contains what was typed."""
    return Q(**{f"{prefix}username__icontains": value.strip()}) | name_terms_q(
        value=value, prefix=prefix
    )


class LogFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_until")
        if start and end and end < start:
            self.add_error("date_until", _("The end date cannot be before the start date."))
        return cleaned


class LogFilter(django_filters.FilterSet):  # type: ignore[misc]
    """What both logs are filtered by."""

    client = django_filters.UUIDFilter(field_name="client__public_id", widget=forms.HiddenInput)
    name = django_filters.CharFilter(label=_("Client's name"), method="filter_name")
    person = django_filters.CharFilter(label=_("User"), method="filter_person")
    date_from = django_filters.DateFilter(
        label=_("From (date)"), method="filter_from", widget=DATE_INPUT
    )
    date_until = django_filters.DateFilter(
        label=_("Until (date)"), method="filter_until", widget=DATE_INPUT
    )
    purpose = django_filters.ChoiceFilter(
        label=_("Purpose"), choices=LogPurpose.choices, empty_label=_("Any purpose")
    )
    # The field that holds the acting user, for `person`.
    user_prefix = "user__"

    def filter_name(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(name_terms_q(value=value, prefix="client__"))

    def filter_person(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(user_q(value=value, prefix=self.user_prefix))

    def filter_from(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(at__gte=day_start(value))

    def filter_until(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(at__lt=day_start(value + timedelta(days=1)))


class UseLogFilter(LogFilter):
    class Meta:
        model = UseLogEntry
        form = LogFilterForm
        fields = ["client", "name", "person", "date_from", "date_until", "purpose"]


class DisclosureLogFilter(LogFilter):
    agency = django_filters.ModelChoiceFilter(
        label=_("Discloser or recipient"),
        queryset=Agency.objects.order_by("name_fi"),
        method="filter_agency",
        empty_label=_("Any agency"),
    )
    user_prefix = "discloser_user__"

    class Meta:
        model = DisclosureLogEntry
        form = LogFilterForm
        fields = ["client", "name", "person", "agency", "date_from", "date_until", "purpose"]

    def filter_agency(
        self, queryset: QuerySet[Any], name: str, value: Agency | None
    ) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(Q(discloser_agency=value) | Q(recipient_agency=value))
