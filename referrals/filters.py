from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Municipality, User
from agencies.selectors import (
    agency_client_workers,
    agency_served_municipalities,
    name_terms_q,
)
from referrals.forms import DATE_INPUT
from referrals.models import Referral, ReferralStatus
from referrals.selectors import category_visible_q


class InboxFilter(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label=_("Client's name"), method="filter_name")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in ReferralStatus.choices if c[0] != ReferralStatus.DRAFT],
        empty_label=_("Any status"),
    )
    released_from = django_filters.DateFilter(
        label=_("Released on or after"),
        field_name="release__expected_date",
        lookup_expr="gte",
        widget=DATE_INPUT,
    )
    released_until = django_filters.DateFilter(
        label=_("Released on or before"),
        field_name="release__expected_date",
        lookup_expr="lte",
        widget=DATE_INPUT,
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Home municipality"),
        queryset=Municipality.objects.none(),
        method="filter_municipality",
        empty_label=_("Any municipality"),
    )
    assigned_to = django_filters.ModelChoiceFilter(
        label=_("Responsible person"),
        queryset=User.objects.none(),
        empty_label=_("Anyone"),
    )
    # Every choice has its own label: django-filter would label the descending ones
    # "%s (descending)" in every language. It finds an ascending label by the model field
    # and a descending one by the parameter with its minus.
    order = django_filters.OrderingFilter(
        label=_("Order"),
        fields=(("sent_at", "sent"), ("release__expected_date", "release")),
        field_labels={
            "sent_at": _("Oldest sent first"),
            "-sent": _("Newest sent first"),
            "release__expected_date": _("Release date, earliest first"),
            "-release": _("Release date, latest first"),
        },
        empty_label=_("Newest first"),
    )

    class Meta:
        model = Referral
        fields = ["q", "status", "released_from", "released_until", "municipality", "assigned_to"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.filters["assigned_to"].queryset = agency_client_workers(agency=agency)
        # The agency's own municipalities: where its clients live, and a short list.
        self.filters["municipality"].queryset = agency_served_municipalities(
            agency=agency
        ).order_by("name_fi")

    def filter_name(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # Only rows whose identity the agency may see can match a name.
        return queryset.filter(
            category_visible_q(agency=self.agency, code="identity"),
            name_terms_q(value=value, prefix="client__"),
        )

    def filter_municipality(
        self, queryset: QuerySet[Any], name: str, value: Municipality | None
    ) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(
            category_visible_q(agency=self.agency, code="identity"),
            client__home_municipality=value,
        )
